import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useSignedIn } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import { useComparison } from './analysis-queries.ts';
import { changeClass, signed } from './score-change.ts';
import './analysis.css';

/** Two analyses of one customer side by side (?a=earlier&b=later), with the change per concern. */
export function ComparePage() {
  const { t } = useTranslation('analysis');
  const me = useSignedIn();
  const format = useFormat(me.clinic?.timeZone);
  const [params] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const comparison = useComparison(a, b);
  if (comparison.isPending) return <p className="loading">{t('app:loading')}</p>;
  if (comparison.isError) return <ProblemMessage error={comparison.error} />;
  const c = comparison.data;
  const sides = [c.a, c.b];
  return (
    <article className="analysis-page">
      <p>
        <Link href="/analyses">{t('backToList')}</Link>
      </p>
      <h1>{t('compare.title')}</h1>
      <div className="compare-photos">
        {sides.map((side) => (
          <figure key={side.id} className="card">
            <Link href={`/analyses/${side.id}`}>
              <img
                src={`/api/analyses/${side.id}/images/thumb-768`}
                alt={t('list.photoOf', { date: format.dateTime(side.at) })}
              />
            </Link>
            <figcaption>
              {format.dateTime(side.at)} · {t('result.overall')} {side.overallScore}
            </figcaption>
          </figure>
        ))}
      </div>
      <table className="comparison">
        <thead>
          <tr>
            <th>{t('compare.concern')}</th>
            <th className="number">{format.date(c.a.at)}</th>
            <th className="number">{format.date(c.b.at)}</th>
            <th className="number">{t('compare.change')}</th>
          </tr>
        </thead>
        <tbody>
          <tr className="overall-row">
            <th scope="row">{t('result.overall')}</th>
            <td className="number">{c.a.overallScore}</td>
            <td className="number">{c.b.overallScore}</td>
            <td className={`number change ${changeClass(c.overallChange)}`}>{signed(c.overallChange)}</td>
          </tr>
          {c.concerns.map((row) => (
            <tr key={row.concern} data-concern={row.concern}>
              <th scope="row">{t(`concern.${row.concern}`)}</th>
              <td className="number">{row.a}</td>
              <td className="number">{row.b}</td>
              <td className={`number change ${changeClass(row.change)}`}>{signed(row.change)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('compare.legend')}</p>
    </article>
  );
}
