import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { setupProgressQuery } from './setup-queries.ts';
import type { SetupProgress } from './setup-types.ts';
import './setup.css';

type Step = 'treatment' | 'room' | 'workingHours' | 'bookableSlot';
const STEPS: [Step, string][] = [
  ['treatment', '/setup/treatments'],
  ['room', '/setup/rooms'],
  ['workingHours', '/setup/hours'],
  ['bookableSlot', '/dashboard/book'],
];

/** The getting-started checklist on an owner's or admin's dashboard; gone once every item is done. */
export function SetupChecklist() {
  const { t } = useTranslation('setup');
  const progress = useQuery(setupProgressQuery);
  if (progress.isError) return <ProblemMessage error={progress.error} />;
  if (!progress.data) return null;
  const p = progress.data;
  if (STEPS.every(([step]) => p[step]) && p.bookingLinkShared) return null;
  return (
    <section className="card checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title">{t('checklist.title')}</h2>
      <ol>
        {STEPS.map(([step, path]) => (
          <li key={step} className={p[step] ? 'done' : undefined}>
            <Mark done={p[step]} /> <Link href={path}>{t(`checklist.${step}`)}</Link>
          </li>
        ))}
        <li className={p.bookingLinkShared ? 'done' : undefined}>
          <ShareLink progress={p} />
        </li>
      </ol>
    </section>
  );
}

function Mark({ done }: { done: boolean }) {
  const { t } = useTranslation('setup');
  return <span className="badge">{done ? t('checklist.done') : t('checklist.todo')}</span>;
}

function ShareLink({ progress }: { progress: SetupProgress }) {
  const { t } = useTranslation('setup');
  const queryClient = useQueryClient();
  const link = `${window.location.origin}${progress.bookingLink}`;
  const shared = useMutation({
    mutationFn: async () => {
      // A browser may refuse the clipboard (no permission): the link is on screen to copy by hand.
      await navigator.clipboard?.writeText(link).catch(() => undefined);
      await api('/api/clinic', { method: 'PATCH', body: { settings: { bookingLinkShared: true } } });
    },
    onSuccess: () => queryClient.invalidateQueries(setupProgressQuery),
  });
  return (
    <div className="booking-link">
      <Mark done={progress.bookingLinkShared} />
      <span>{t('checklist.share')}</span>
      <code>{link}</code>
      <button type="button" className="secondary" disabled={shared.isPending} onClick={() => shared.mutate()}>
        {t('checklist.copy')}
      </button>
      <ProblemMessage error={shared.error} />
    </div>
  );
}
