import { useTranslation } from 'react-i18next';
import { TableHead } from '../app/TableHead.tsx';
import { useFormat } from '../i18n/format.ts';
import type { PeriodFigures } from './report-types.ts';

type FigureKey = keyof PeriodFigures;

// Which way is better for each figure: a rise in no-shows or cancellations is bad news.
const LOWER_IS_BETTER: ReadonlySet<FigureKey> = new Set(['cancelled', 'noShows', 'noShowRate']);
const RATES: ReadonlySet<FigureKey> = new Set(['completionRate', 'noShowRate']);
const ROWS: FigureKey[] = [
  'bookings',
  'completed',
  'cancelled',
  'noShows',
  'completionRate',
  'noShowRate',
  'revenueSatang',
  'newCustomers',
  'returningCustomers',
  'analysesCompleted',
];

/** Each figure of the period beside the one before it, and the change: percent for counts, points for rates. */
export function ReportComparison({
  current,
  previous,
  labelledBy,
}: {
  current: PeriodFigures;
  previous: PeriodFigures;
  /** The id of the heading that names the table. */
  labelledBy: string;
}) {
  const { t } = useTranslation('reports');
  const f = useFormat();
  const show = (key: FigureKey, value: number | null) => {
    if (value === null) return '—';
    if (RATES.has(key)) return f.percent(value);
    return key === 'revenueSatang' ? f.money(value) : f.number(value);
  };
  const change = (key: FigureKey): { text: string; direction: 'better' | 'worse' | null } => {
    const now = current[key];
    const before = previous[key];
    if (now === null || before === null) return { text: '—', direction: null };
    if (RATES.has(key)) {
      const points = Math.round((now - before) * 1000) / 10;
      return {
        text: t('change.points', { points: points > 0 ? `+${points}` : String(points) }),
        direction: directionOf(key, points),
      };
    }
    if (before === 0) return { text: now === 0 ? '0' : t('change.new'), direction: directionOf(key, now) };
    const ratio = (now - before) / before;
    return { text: `${ratio > 0 ? '+' : ''}${f.percent(ratio)}`, direction: directionOf(key, ratio) };
  };
  return (
    <div className="table-scroll">
      <table className="report-comparison" aria-labelledby={labelledBy}>
        <TableHead
          columns={[
            t('comparison.figure'),
            { label: t('comparison.current'), numeric: true },
            { label: t('comparison.previous'), numeric: true },
            { label: t('comparison.change'), numeric: true },
          ]}
        />
        <tbody>
          {ROWS.map((key) => {
            const { text, direction } = change(key);
            return (
              <tr key={key}>
                <th scope="row">{t(`figure.${key === 'revenueSatang' ? 'revenue' : key}`)}</th>
                <td className="number">{show(key, current[key])}</td>
                <td className="number">{show(key, previous[key])}</td>
                <td className={`number report-change ${direction ?? ''}`}>{text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A change's colour says whether it is good news; its sign is always written too. */
function directionOf(key: FigureKey, delta: number): 'better' | 'worse' | null {
  if (delta === 0) return null;
  return delta > 0 !== LOWER_IS_BETTER.has(key) ? 'better' : 'worse';
}
