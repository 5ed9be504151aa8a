import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useErasureRequests } from './data-rights-queries.ts';

/** For owners and admins above the customer list: who asked to be forgotten and waits for the clinic. */
export function ErasureRequestsPanel({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation('data-rights');
  const format = useFormat(timeZone);
  const requests = useErasureRequests();
  if (requests.isError) return <ProblemMessage error={requests.error} />;
  if (!requests.data?.items.length) return null;
  return (
    <section className="card erasure-requests" aria-labelledby="erasure-requests-title">
      <h2 id="erasure-requests-title">{t('requests.title')}</h2>
      <ul>
        {requests.data.items.map((r) => (
          <li key={r.customerId}>
            <Link href={`/customers/${r.customerId}`}>{r.customerName}</Link>{' '}
            <span className="muted">{t('requests.since', { date: format.date(r.requestedAt) })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
