import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchState } from '../admin/search-state.ts';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useTreatmentName } from '../appointments/treatment-name.ts';
import { useFormat } from '../i18n/format.ts';
import { periodOf, periodParams, queryOf } from '../period/period.ts';
import { PeriodPicker } from '../period/PeriodPicker.tsx';
import { ReportBreakdown } from './ReportBreakdown.tsx';
import { ReportCharts } from './ReportCharts.tsx';
import { ReportComparison } from './ReportComparison.tsx';
import { REPORT_GROUPINGS, type ClinicReport, type ReportGrouping, type ReportQuery, type ReportTable } from './report-types.ts';
import './reports.css';

const isGrouping = (value: string | null): value is ReportGrouping => REPORT_GROUPINGS.some((g) => g === value);

/** The owner's and admins' own figures: a period against the one before, over time, per staff member and treatment. */
export function ClinicReportPage() {
  const { t } = useTranslation('reports');
  // Days are the clinic's local dates, sent as such: shown as written, never moved by the reader's zone.
  const day = useFormat('UTC');
  const treatmentName = useTreatmentName();
  const [search, update] = useSearchState();
  const period = periodOf(search);
  const groupParam = search.get('groupBy');
  const query: ReportQuery = { ...queryOf(period), groupBy: isGrouping(groupParam) ? groupParam : 'day' };
  const report = useQuery({
    queryKey: ['reports', 'performance', query],
    queryFn: ({ signal }) => api<ClinicReport>(withQuery('/api/reports/performance', query), { signal }),
  });
  const date = (iso: string) => day.date(`${iso}T00:00:00Z`);
  const csvLink = (table: ReportTable) => (
    <a href={withQuery(`/api/reports/performance/${table}.csv`, query)} download>
      {t(`csv.${table}`)}
    </a>
  );
  const r = report.data;

  return (
    <section className="report">
      <h1>{t('title')}</h1>
      <PeriodPicker key={JSON.stringify(queryOf(period))} period={period} onChange={(next) => update(periodParams(next))} />
      <div role="group" aria-label={t('groupBy')} className="segmented">
        {REPORT_GROUPINGS.map((grouping) => (
          <button
            key={grouping}
            type="button"
            className={query.groupBy === grouping ? undefined : 'secondary'}
            aria-pressed={query.groupBy === grouping}
            onClick={() => update({ groupBy: grouping === 'day' ? null : grouping })}
          >
            {t(`grouping.${grouping}`)}
          </button>
        ))}
      </div>
      {report.isPending && <p className="loading">{t('app:loading')}</p>}
      {report.isError && <ProblemMessage error={report.error} />}
      {r && (
        <>
          <p className="muted">
            {t('periodShown', {
              from: date(r.period.from),
              to: date(r.period.to),
              previousFrom: date(r.previousPeriod.from),
              previousTo: date(r.previousPeriod.to),
              timeZone: r.timeZone,
            })}
          </p>
          <h2 id="report-comparison">{t('comparison.title')}</h2>
          <ReportComparison current={r.summary.current} previous={r.summary.previous} labelledBy="report-comparison" />
          <div className="row report-section-head">
            <h2>{t(`overTime.${r.groupBy}`)}</h2>
            {csvLink('periods')}
          </div>
          <ReportCharts report={r} labels={r.series.map((s) => date(s.from))} />
          <div className="row report-section-head">
            <h2 id="report-staff">{t('staff.title')}</h2>
            {csvLink('staff')}
          </div>
          <ReportBreakdown
            labelledBy="report-staff"
            nameHeading={t('staff.name')}
            rows={r.staff.map(({ staffId, name, ...figures }) => ({ key: staffId, name, figures }))}
          />
          <div className="row report-section-head">
            <h2 id="report-treatments">{t('treatments.title')}</h2>
            {csvLink('treatments')}
          </div>
          <ReportBreakdown
            labelledBy="report-treatments"
            nameHeading={t('treatments.name')}
            rows={r.treatments.map(({ treatmentId, name, ...figures }) => ({
              key: treatmentId,
              name: treatmentName(name),
              figures,
            }))}
          />
        </>
      )}
    </section>
  );
}
