import { CategoryScale, Chart, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { isMeaningfulChange, type ScoreName } from '../../../src/analysis/engine/measurement-error.ts';
import { signed, verdictClass } from './score-change.ts';

Chart.register(CategoryScale, LinearScale, PointElement, LineElement, Tooltip);

export interface Series {
  key: ScoreName;
  label: string;
  /** One per label; null where that analysis did not measure the concern. */
  values: (number | null)[];
}

const ACCENT = '#b04a6f';

/** Small multiples: one line per concern on the same 0–100 scale, so charts compare at a glance. */
export function TrendCharts({ labels, series, modelVersion }: { labels: string[]; series: Series[]; modelVersion: string }) {
  const { t } = useTranslation('analysis');
  return (
    <div className="trend-charts">
      {series.map((s) => {
        const measured = s.values.filter((v): v is number => v !== null);
        const change = measured.length >= 2 ? measured.at(-1)! - measured[0]! : null;
        const meaningful = change === null ? null : isMeaningfulChange(modelVersion, s.key, change);
        return (
          <figure key={s.key} className="card trend-chart">
            <figcaption>
              <strong>{s.label}</strong>
              {change !== null && (
                <span className={`change ${verdictClass(change, meaningful)}`}>
                  {' '}
                  {t(meaningful === false ? 'trend.noMeaningfulChange' : 'trend.change', { change: signed(change) })}
                </span>
              )}
            </figcaption>
            <Line
              role="img"
              aria-label={t('trend.chartLabel', { concern: s.label, values: measured.join(', ') })}
              data={{
                labels,
                datasets: [
                  { label: s.label, data: s.values, borderColor: ACCENT, backgroundColor: ACCENT, spanGaps: true, tension: 0.25 },
                ],
              }}
              options={{
                responsive: true,
                animation: false,
                scales: { y: { min: 0, max: 100, ticks: { stepSize: 25 } } },
                plugins: { tooltip: { intersect: false } },
              }}
            />
          </figure>
        );
      })}
    </div>
  );
}
