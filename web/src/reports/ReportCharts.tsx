import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { ClinicReport } from './report-types.ts';

Chart.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);

// The app's accent and two tones that stay apart from it and from each other for colour-blind readers.
const COLOURS = { accent: '#b04a6f', second: '#2f6f9f', third: '#c98a1b' };

interface Dataset {
  label: string;
  data: number[];
  colour: string;
}

/** The period's rows as bar charts: revenue, bookings by outcome, new and returning customers. */
export function ReportCharts({ report, labels }: { report: ClinicReport; labels: string[] }) {
  const { t } = useTranslation('reports');
  const f = useFormat();
  const series = report.series;
  const total = (pick: (row: ClinicReport['series'][number]) => number) => series.reduce((sum, row) => sum + pick(row), 0);
  const charts: { key: string; title: string; summary: string; stacked: boolean; datasets: Dataset[] }[] = [
    {
      key: 'revenue',
      title: t('chart.revenue'),
      summary: t('chart.revenueSummary', { total: f.money(total((r) => r.revenueSatang)) }),
      stacked: false,
      datasets: [{ label: t('figure.revenue'), data: series.map((r) => r.revenueSatang / 100), colour: COLOURS.accent }],
    },
    {
      key: 'bookings',
      title: t('chart.bookings'),
      summary: t('chart.bookingsSummary', {
        completed: f.number(total((r) => r.completed)),
        cancelled: f.number(total((r) => r.cancelled)),
        noShows: f.number(total((r) => r.noShows)),
      }),
      stacked: true,
      datasets: [
        { label: t('figure.completed'), data: series.map((r) => r.completed), colour: COLOURS.accent },
        { label: t('figure.cancelled'), data: series.map((r) => r.cancelled), colour: COLOURS.second },
        { label: t('figure.noShows'), data: series.map((r) => r.noShows), colour: COLOURS.third },
      ],
    },
    {
      key: 'customers',
      title: t('chart.customers'),
      summary: t('chart.customersSummary', {
        new: f.number(total((r) => r.newCustomers)),
        returning: f.number(report.summary.current.returningCustomers),
      }),
      stacked: false,
      datasets: [
        { label: t('figure.newCustomers'), data: series.map((r) => r.newCustomers), colour: COLOURS.accent },
        { label: t('figure.returningCustomers'), data: series.map((r) => r.returningCustomers), colour: COLOURS.second },
      ],
    },
  ];
  return (
    <div className="report-charts">
      {charts.map((chart) => (
        <figure key={chart.key} className="card report-chart">
          <figcaption>
            <strong>{chart.title}</strong> <span className="muted">{chart.summary}</span>
          </figcaption>
          <Bar
            role="img"
            aria-label={`${chart.title}: ${chart.summary}`}
            data={{
              labels,
              datasets: chart.datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.colour })),
            }}
            options={{
              responsive: true,
              animation: false,
              scales: { x: { stacked: chart.stacked }, y: { stacked: chart.stacked, beginAtZero: true } },
              plugins: { legend: { display: chart.datasets.length > 1 }, tooltip: { intersect: false } },
            }}
          />
        </figure>
      ))}
    </div>
  );
}
