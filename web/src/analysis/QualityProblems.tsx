import { useTranslation } from 'react-i18next';
import type { Analysis } from './analysis-types.ts';

type Problem = NonNullable<Analysis['quality']>['problems'][number];

/**
 * Why the quality gate refused a photo: each problem named in the reader's language, with the
 * gate's own advice (which quotes what it measured) in that language when it gave one.
 */
export function QualityProblems({ problems }: { problems: Problem[] }) {
  const { t, i18n } = useTranslation('analysis');
  return (
    <section className="card quality-problems" role="alert" aria-labelledby="quality-problems-title">
      <h2 id="quality-problems-title">{t('rejected.title')}</h2>
      <ul>
        {problems.map((problem) => (
          <li key={problem.code}>
            <strong>{t(`quality.${problem.code}`, { defaultValue: problem.message.en ?? problem.code })}</strong>
            {problem.message[i18n.language] && <span className="muted"> {problem.message[i18n.language]}</span>}
          </li>
        ))}
      </ul>
      <p>{t('rejected.advice')}</p>
    </section>
  );
}
