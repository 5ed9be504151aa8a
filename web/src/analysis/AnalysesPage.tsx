import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { withQuery } from '../api/client.ts';
import { LoadMore } from '../app/LoadMore.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { isStaffRole } from '../../../src/users/role-vocabulary.ts';
import { useSignedIn } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import { useAnalysesList, useCustomerName } from './analysis-queries.ts';
import type { ListedAnalysis } from './analysis-types.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { TrendSection } from './TrendSection.tsx';
import './analysis.css';

/**
 * Analyses newest first: a customer's own, or for staff the clinic's (one customer's with
 * ?customerId=, which also shows their progress over time and lets two analyses be compared).
 */
export function AnalysesPage() {
  const { t } = useTranslation('analysis');
  const me = useSignedIn();
  const staff = isStaffRole(me.role);
  const [params] = useSearchParams();
  const customerId = staff ? (params.get('customerId') ?? undefined) : undefined;
  // Trend and comparison are about one person: the customer themself, or the one staff chose.
  const onePerson = !staff || !!customerId;
  const customerName = useCustomerName(customerId);
  const list = useAnalysesList(customerId);
  const [selected, setSelected] = useState<ListedAnalysis[]>([]);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const toggle = (a: ListedAnalysis) =>
    setSelected((s) => (s.some((x) => x.id === a.id) ? s.filter((x) => x.id !== a.id) : [...s, a].slice(-2)));
  const [older, newer] = [...selected].sort((x, y) => x.createdAt.localeCompare(y.createdAt));

  return (
    <article className="analysis-page">
      <div className="page-head">
        <h1>{customerName.data ? t('list.titleFor', { name: customerName.data }) : t('list.title')}</h1>
        <Link className="button" href={withQuery('/analyses/new', { customerId })}>
          {t('list.new')}
        </Link>
      </div>
      {staff && customerId && (
        <p>
          <Link href="/analyses">{t('list.allCustomers')}</Link>
        </p>
      )}
      <ProblemMessage error={customerName.error ?? list.error} />
      {list.isPending && <p className="loading">{t('app:loading')}</p>}
      {list.isSuccess && items.length === 0 && <p className="muted">{staff ? t('list.emptyStaff') : t('list.empty')}</p>}
      {items.length > 0 && (
        <>
          {onePerson && <p className="muted">{t('compare.hint')}</p>}
          <AnalysisTable
            items={items}
            showCustomer={staff && !customerId}
            selectable={onePerson}
            selected={selected}
            onToggle={toggle}
            timeZone={me.clinic?.timeZone}
          />
          {older && newer && (
            <p>
              <Link className="button" href={withQuery('/analyses/compare', { a: older.id, b: newer.id })}>
                {t('compare.action')}
              </Link>
            </p>
          )}
          <LoadMore pages={list} label={t('list.more')} />
        </>
      )}
      {onePerson && <TrendSection customerId={customerId} timeZone={me.clinic?.timeZone} />}
    </article>
  );
}

function AnalysisTable(props: {
  items: ListedAnalysis[];
  showCustomer: boolean;
  selectable: boolean;
  selected: ListedAnalysis[];
  onToggle: (a: ListedAnalysis) => void;
  timeZone: string | undefined;
}) {
  const { t } = useTranslation('analysis');
  const format = useFormat(props.timeZone);
  return (
    <table className="analysis-list" aria-label={t('list.title')}>
      <thead>
        <tr>
          {props.selectable && <th>{t('list.compare')}</th>}
          <th>{t('list.photo')}</th>
          <th>{t('list.date')}</th>
          {props.showCustomer && <th>{t('list.customer')}</th>}
          <th>{t('list.status')}</th>
          <th className="number">{t('list.score')}</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((a) => {
          const date = format.dateTime(a.createdAt);
          return (
            <tr key={a.id}>
              {props.selectable && (
                <td>
                  {a.status === 'completed' && (
                    <input
                      type="checkbox"
                      aria-label={t('compare.select', { date })}
                      checked={props.selected.some((s) => s.id === a.id)}
                      onChange={() => props.onToggle(a)}
                    />
                  )}
                </td>
              )}
              <td>
                <Link href={`/analyses/${a.id}`}>
                  {a.imagesDeleted ? (
                    t('list.photoDeleted', { date })
                  ) : (
                    <img
                      className="analysis-thumb"
                      src={`/api/analyses/${a.id}/images/thumb-256`}
                      alt={t('list.photoOf', { date })}
                      loading="lazy"
                      width={64}
                      height={64}
                    />
                  )}
                </Link>
              </td>
              <td>
                <Link href={`/analyses/${a.id}`}>{date}</Link>
              </td>
              {props.showCustomer && (
                <td>
                  <Link href={withQuery('/analyses', { customerId: a.customerId })}>{a.customerName}</Link>
                </td>
              )}
              <td>
                <StatusBadge status={a.status} />
              </td>
              <td className="number">{a.result?.overallScore ?? '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
