import { CategoryScale, Chart, LinearScale, LineElement, PointElement } from 'chart.js';
import { Line } from 'react-chartjs-2';

Chart.register(CategoryScale, LinearScale, PointElement, LineElement);

const ACCENT = '#b04a6f';

/**
 * A small line of recent values, without axes: the trend at a glance next to the figure itself.
 * `label` says in words what it shows, for readers who cannot see it.
 */
export function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  return (
    <div className="sparkline">
      <Line
        role="img"
        aria-label={label}
        data={{
          labels: values.map((_, i) => i),
          datasets: [{ data: values, borderColor: ACCENT, borderWidth: 1.5, pointRadius: 0, tension: 0.3, spanGaps: true }],
        }}
        options={{
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          events: [],
          plugins: { legend: { display: false }, tooltip: { enabled: false } },
          scales: { x: { display: false }, y: { display: false, beginAtZero: true } },
        }}
      />
    </div>
  );
}
