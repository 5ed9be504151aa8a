import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import type { PerformancePage, PerformanceQuery } from './admin-types.ts';
import { ClinicPerformanceTable, isClinicMetric } from './ClinicPerformanceTable.tsx';
import { useKeysetPages } from '../api/keyset-pages.ts';
import { LoadMore } from '../app/LoadMore.tsx';
import { periodOf, periodParams, queryOf } from '../period/period.ts';
import { PeriodPicker } from '../period/PeriodPicker.tsx';
import { PlatformTotals } from './PlatformTotals.tsx';
import { useSearchState } from './search-state.ts';
import './admin.css';

/** The super admin's home: how every clinic did over a period, ranked by any figure. */
export function ClinicPerformancePage() {
  const { t } = useTranslation('admin');
  const f = useFormat();
  const utc = useFormat('UTC');
  const [search, update] = useSearchState();
  const period = periodOf(search);
  const sortParam = search.get('sort');
  const query: PerformanceQuery & Required<Pick<PerformanceQuery, 'sort' | 'order'>> = {
    ...queryOf(period),
    sort: isClinicMetric(sortParam) ? sortParam : 'revenue',
    order: search.get('order') === 'asc' ? 'asc' : 'desc',
  };
  const pages = useKeysetPages(['admin', 'performance', query], (cursor, signal) =>
    api<PerformancePage>(withQuery('/api/admin/analytics/clinics', { ...query, cursor }), { signal }),
  );
  const first = pages.data?.pages[0];
  const clinics = pages.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="admin-page">
      <h1>{t('performance.title')}</h1>
      <PeriodPicker key={JSON.stringify(queryOf(period))} period={period} onChange={(next) => update(periodParams(next))} />
      {pages.isPending && <p className="loading">{t('app:loading')}</p>}
      {pages.isError && !pages.isFetchNextPageError && <ProblemMessage error={pages.error} />}
      {first && (
        <>
          <p className="muted period-line">
            {first.period.from && first.period.to
              ? t('performance.periodShown', {
                  from: utc.date(`${first.period.from}T00:00:00Z`),
                  to: utc.date(`${first.period.to}T00:00:00Z`),
                })
              : t('performance.lastDaysShown', { count: first.period.days })}{' '}
            {t('performance.computedAt', { time: f.dateTime(first.computedAt) })}
          </p>
          <PlatformTotals totals={first.totals} />
          <h2>{t('performance.clinics')}</h2>
          {clinics.length === 0 ? (
            <p className="muted">{t('performance.noClinics')}</p>
          ) : (
            <ClinicPerformanceTable clinics={clinics} sort={query} onSort={update} />
          )}
          <LoadMore pages={pages} />
        </>
      )}
    </section>
  );
}
