import { useTranslation } from 'react-i18next';
import type { AnalysisResult } from './analysis-types.ts';
import { ScoreMeter } from './ScoreMeter.tsx';

/**
 * Every concern's score, weakest first, with its score per face area where it is measured per area;
 * a concern the analysis could not measure comes last, saying why, never with a made-up score.
 */
export function ConcernScores({ concerns }: { concerns: AnalysisResult['concerns'] }) {
  const { t } = useTranslation('analysis');
  const listed = Object.entries(concerns)
    .filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] => !!entry[1])
    .sort((a, b) => (a[1].score ?? Infinity) - (b[1].score ?? Infinity));
  return (
    <ul className="concern-scores">
      {listed.map(([concern, { score, notMeasured, regions }]) => {
        const label = t(`concern.${concern}`);
        const areas = Object.entries(regions).filter((r): r is [string, number] => r[1] !== undefined);
        return (
          <li key={concern} className="card concern-score" data-concern={concern}>
            <h3>{label}</h3>
            {score === null ? (
              <p className="muted not-measured">
                {t('result.notMeasured', { reason: t(`notMeasured.${notMeasured ?? 'region-not-visible'}`) })}
              </p>
            ) : (
              <ScoreMeter score={score} label={t('result.scoreOf', { concern: label })} />
            )}
            {areas.length > 0 && (
              <table className="region-scores">
                <caption className="muted">{t('result.byArea')}</caption>
                <tbody>
                  {areas.map(([region, value]) => (
                    <tr key={region}>
                      <th scope="row">{t(`region.${region}`)}</th>
                      <td className="number">{value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        );
      })}
    </ul>
  );
}
