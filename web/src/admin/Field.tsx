import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

/** The API's messages for a 400 validation-failed answer, by field path ('body.slug', 'body.owner.email'). */
export function fieldProblems(error: unknown): Map<string, string> {
  const problems = new Map<string, string>();
  if (!(error instanceof ApiError) || error.code !== 'validation-failed' || !Array.isArray(error.body.errors)) return problems;
  for (const entry of error.body.errors as { path?: unknown; message?: unknown }[]) {
    if (typeof entry.path === 'string' && typeof entry.message === 'string' && !problems.has(entry.path))
      problems.set(entry.path, entry.message);
  }
  return problems;
}

interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A labelled control with the API's complaint about it, if any, right under it. The label points at
 * the control instead of wrapping it, so the control's name is the label alone (a wrapped input or
 * select would add its value to it), and hint and complaint describe it.
 */
export function Field({
  label,
  problem,
  hint,
  children,
}: {
  label: ReactNode;
  problem?: string | undefined;
  hint?: ReactNode;
  children: (props: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, problem ? `${id}-problem` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!problem, 'aria-describedby': described || undefined })}
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      {problem && (
        <small id={`${id}-problem`} className="field-problem">
          {problem}
        </small>
      )}
    </div>
  );
}

/** A labelled select of fixed choices (plans, statuses, languages), each shown as `labelOf(choice)`. */
export function ChoiceField<T extends string>(props: {
  label: ReactNode;
  problem?: string | undefined;
  value: string | undefined;
  choices: readonly T[];
  labelOf: (choice: T) => string;
  /** A first option outside the choices, such as "any" in a filter. */
  empty?: { value: string; label: string };
  onChange: (value: string) => void;
}) {
  return (
    <Field label={props.label} problem={props.problem}>
      {(control) => (
        <select {...control} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.empty && <option value={props.empty.value}>{props.empty.label}</option>}
          {props.choices.map((choice) => (
            <option key={choice} value={choice}>
              {props.labelOf(choice)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A form's submit button with a quiet "Saved" after the last save went through. */
export function SaveButton({ save, label }: { save: { isPending: boolean; isSuccess: boolean }; label: string }) {
  const { t } = useTranslation('admin');
  return (
    <>
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? t('form.saving') : label}
      </button>
      <span role="status" className="muted">
        {save.isSuccess && !save.isPending ? t('form.saved') : ''}
      </span>
    </>
  );
}
