import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { ClinicMetric, ClinicPerformance, SortOrder } from './admin-types.ts';
import { ClinicBadges, ClinicName } from './ClinicBadges.tsx';

type Format = ReturnType<typeof useFormat>;

// One column per metric the API ranks by, in reading order; the record makes a new metric a type error
// here until it has a column.
const CELLS: Record<ClinicMetric, (c: ClinicPerformance, f: Format) => ReactNode> = {
  activeStaff: (c, f) => f.number(c.activeStaff),
  customers: (c, f) => f.number(c.customers.total),
  newCustomers: (c, f) => f.number(c.customers.new),
  appointments: (c, f) => f.number(c.appointments.total),
  completed: (c, f) => f.number(c.appointments.completed),
  cancelled: (c, f) => f.number(c.appointments.cancelled),
  noShows: (c, f) => f.number(c.appointments.noShow),
  noShowRate: (c, f) => (c.appointments.noShowRate === null ? '—' : f.percent(c.appointments.noShowRate)),
  revenue: (c, f) => f.money(c.revenueSatang),
  analyses: (c, f) => f.number(c.analysesCompleted),
  lastActivity: (c, f) => (c.lastActivityAt ? <time dateTime={c.lastActivityAt}>{f.dateTime(c.lastActivityAt)}</time> : '—'),
};
const METRICS = Object.keys(CELLS) as ClinicMetric[];
export const isClinicMetric = (value: string | null): value is ClinicMetric => (METRICS as (string | null)[]).includes(value);

type Sort = {
  sort: ClinicMetric;
  order: SortOrder;
};

/** Every clinic's figures; a column header ranks the clinics by that figure (again: the other way). */
export function ClinicPerformanceTable({
  clinics,
  sort,
  onSort,
}: {
  clinics: ClinicPerformance[];
  sort: Sort;
  onSort: (sort: Sort) => void;
}) {
  const { t } = useTranslation('admin');
  const f = useFormat();
  const flip = (metric: ClinicMetric) =>
    onSort(
      metric === sort.sort ? { sort: metric, order: sort.order === 'desc' ? 'asc' : 'desc' } : { sort: metric, order: 'desc' },
    );
  return (
    <div className="table-scroll">
      <table className="performance-table">
        <caption className="muted">{t('performance.sortHint')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('performance.clinic')}</th>
            {METRICS.map((metric) => (
              <th
                key={metric}
                scope="col"
                className="number"
                aria-sort={metric === sort.sort ? (sort.order === 'desc' ? 'descending' : 'ascending') : undefined}
              >
                <button type="button" className="sort" onClick={() => flip(metric)}>
                  {t(`performance.metric.${metric}`)}
                  <span aria-hidden="true" className="sort-mark">
                    {metric === sort.sort ? (sort.order === 'desc' ? '▼' : '▲') : ''}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {clinics.map((clinic) => (
            <tr key={clinic.id}>
              <th scope="row">
                <ClinicName clinic={clinic} />
                <ClinicBadges tier={clinic.tier} status={clinic.status} />
              </th>
              {METRICS.map((metric) => (
                <td key={metric} className="number">
                  {CELLS[metric](clinic, f)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
