import { fieldProblems } from '../admin/Field.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

/** Under a form whose fields carry no message of their own: the API's complaints about them, else its problem. */
export function FormProblems({ error }: { error: unknown }) {
  const problems = fieldProblems(error);
  return problems.size > 0 ? (
    <p className="problem" role="alert">
      {[...problems.values()].join(' ')}
    </p>
  ) : (
    <ProblemMessage error={error} />
  );
}
