import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useSignedIn } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import { useComparison } from './analysis-queries.ts';
import type { Comparison } from './analysis-types.ts';
import { signed, verdictClass } from './score-change.ts';
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
      {!c.comparable && (
        <p className="scope-note warning" role="status">
          {t('compare.notComparable', { a: c.a.modelVersion, b: c.b.modelVersion })}
        </p>
      )}
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
            <ChangeCell score={c.overall} />
          </tr>
          {c.concerns.map((row) => (
            <tr key={row.concern} data-concern={row.concern}>
              <th scope="row">{t(`concern.${row.concern}`)}</th>
              <td className="number">{row.a}</td>
              <td className="number">{row.b}</td>
              <ChangeCell score={row} />
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('compare.legend')}</p>
      {c.comparable && <p className="muted">{t('compare.mdcLegend')}</p>}
    </article>
  );
}

/** A score's change, marked as no meaningful change when it is within the analyser's measurement error. */
function ChangeCell({ score }: { score: Comparison['overall'] }) {
  const { t } = useTranslation('analysis');
  if (score.change === null) return <td className="number">—</td>;
  return (
    <td
      className={`number change ${verdictClass(score.change, score.meaningful)}`}
      title={score.mdc === null ? undefined : t('compare.mdc', { mdc: score.mdc })}
    >
      {signed(score.change)}
      {score.meaningful === false && <span className="verdict"> {t('compare.noMeaningfulChange')}</span>}
    </td>
  );
}
