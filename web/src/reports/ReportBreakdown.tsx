import { useTranslation } from 'react-i18next';
import { TableHead } from '../app/TableHead.tsx';
import { useFormat } from '../i18n/format.ts';
import type { StaffFigures } from './report-types.ts';

type BreakdownFigures = Omit<StaffFigures, 'staffId' | 'name'>;

/** One row per staff member or treatment: who or what, then the period's figures for it. */
export function ReportBreakdown({
  rows,
  nameHeading,
  labelledBy,
}: {
  rows: { key: string; name: string; figures: BreakdownFigures }[];
  nameHeading: string;
  /** The id of the heading that names the table. */
  labelledBy: string;
}) {
  const { t } = useTranslation('reports');
  const f = useFormat();
  const rate = (value: number | null) => (value === null ? '—' : f.percent(value));
  if (rows.length === 0) return <p className="muted">{t('noBookings')}</p>;
  const numeric = (key: string) => ({ label: t(`figure.${key}`), numeric: true as const });
  return (
    <div className="table-scroll">
      <table className="report-breakdown" aria-labelledby={labelledBy}>
        <TableHead
          columns={[
            nameHeading,
            ...['bookings', 'completed', 'cancelled', 'noShows', 'completionRate', 'noShowRate', 'revenue', 'customers'].map(
              numeric,
            ),
          ]}
        />
        <tbody>
          {rows.map(({ key, name, figures }) => (
            <tr key={key}>
              <th scope="row">{name}</th>
              <td className="number">{f.number(figures.bookings)}</td>
              <td className="number">{f.number(figures.completed)}</td>
              <td className="number">{f.number(figures.cancelled)}</td>
              <td className="number">{f.number(figures.noShows)}</td>
              <td className="number">{rate(figures.completionRate)}</td>
              <td className="number">{rate(figures.noShowRate)}</td>
              <td className="number">{f.money(figures.revenueSatang)}</td>
              <td className="number">{f.number(figures.customers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
