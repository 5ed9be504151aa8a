import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { Recommendation } from './analysis-types.ts';

/** The clinic's treatments for the weakest concerns, each with why it is suggested. */
export function Recommendations({ recommendations }: { recommendations: Recommendation[] }) {
  const { t, i18n } = useTranslation('analysis');
  const format = useFormat();
  if (recommendations.length === 0) return <p className="muted">{t('result.noRecommendations')}</p>;
  return (
    <ul className="recommendations">
      {recommendations.map(({ concern, score, treatment }) => {
        const names = treatment.name as Record<string, string | null>;
        // A clinic may not have named a treatment in every language; any name beats none.
        const name = names[i18n.language] ?? treatment.name.en ?? treatment.name.th ?? treatment.name.zh ?? '';
        return (
          <li key={treatment.id} className="card recommendation">
            <h3>{name}</h3>
            <p>{t(`recommendation.${concern}`, { score })}</p>
            <p className="muted">
              {t(`treatmentCategory.${treatment.category}`, { defaultValue: treatment.category })} · {format.money(treatment.priceSatang)}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
