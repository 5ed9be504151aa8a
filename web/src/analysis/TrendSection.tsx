import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useTrend } from './analysis-queries.ts';
import type { TrendPoint } from './analysis-types.ts';

// chart.js is the app's largest dependency: it loads only when there is a trend to draw.
const TrendCharts = lazy(() => import('./TrendCharts.tsx').then((m) => ({ default: m.TrendCharts })));

/** One person's scores over time: a chart per concern, and the same figures as a table. */
export function TrendSection({ customerId, timeZone }: { customerId: string | undefined; timeZone: string | undefined }) {
  const { t } = useTranslation('analysis');
  const trend = useTrend(customerId);
  const format = useFormat(timeZone);
  if (trend.isPending) return null;
  if (trend.isError) return <ProblemMessage error={trend.error} />;
  if (trend.data.length === 0) return null;
  // One analyser's scale: the latest result's provider and version, earlier results of others left out.
  const latest = trend.data.at(-1)!;
  const points = trend.data.filter((p) => p.provider === latest.provider && p.modelVersion === latest.modelVersion);
  const leftOut = trend.data.length - points.length;
  const labels = points.map((p) => format.date(p.at));
  const concerns = concernsOf(points);
  return (
    <section aria-labelledby="trend-title" className="trend">
      <h2 id="trend-title">{t('trend.title')}</h2>
      {leftOut > 0 && <p className="muted">{t('trend.otherAnalysers', { count: leftOut })}</p>}
      {points.length < 2 ? (
        <p className="muted">{t('trend.needTwo')}</p>
      ) : (
        <Suspense fallback={<p className="loading">{t('app:loading')}</p>}>
          <TrendCharts
            modelVersion={latest.modelVersion}
            labels={labels}
            series={[
              { key: 'overall', label: t('trend.overall'), values: points.map((p) => p.overallScore) },
              ...concerns.map((c) => ({ key: c, label: t(`concern.${c}`), values: points.map((p) => p.scores[c] ?? null) })),
            ]}
          />
        </Suspense>
      )}
      <details>
        <summary>{t('trend.asTable')}</summary>
        <div className="table-scroll">
          <table aria-label={t('trend.title')}>
            <thead>
              <tr>
                <th>{t('list.date')}</th>
                <th className="number">{t('trend.overall')}</th>
                {concerns.map((c) => (
                  <th key={c} className="number">
                    {t(`concern.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map((p, i) => (
                <tr key={p.analysisId}>
                  <td>{labels[i]}</td>
                  <td className="number">{p.overallScore}</td>
                  {concerns.map((c) => (
                    <td key={c} className="number">
                      {p.scores[c] ?? '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/** Concerns any point has, in the order the API lists them (older results may lack later concerns). */
function concernsOf(points: TrendPoint[]): (keyof TrendPoint['scores'])[] {
  const seen = new Set<keyof TrendPoint['scores']>();
  for (const p of points) for (const c of Object.keys(p.scores) as (keyof TrendPoint['scores'])[]) seen.add(c);
  return [...seen];
}
