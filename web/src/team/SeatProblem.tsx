import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

/**
 * A write that takes a seat (inviting, enabling) can meet the plan's user limit: that is a choice
 * for the owner, not an error, so it is shown as what to do next.
 */
export function SeatProblem({ error }: { error: unknown }) {
  const { t } = useTranslation('team');
  if (error instanceof ApiError && error.code === 'tier-user-limit')
    return (
      <div className="card upgrade" role="alert">
        <strong>{t('upgrade.title')}</strong>
        <p>{t('upgrade.body')}</p>
      </div>
    );
  return <ProblemMessage error={error} />;
}
