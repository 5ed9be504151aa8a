import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { withQuery } from '../api/client.ts';
import { useTreatmentName } from '../appointments/treatment-name.ts';
import { useFormat } from '../i18n/format.ts';
import type { Recommendation } from './analysis-types.ts';

/** The clinic's treatments for the weakest concerns, each with why it is suggested; a customer can book one. */
export function Recommendations({ recommendations, canBook }: { recommendations: Recommendation[]; canBook: boolean }) {
  const { t } = useTranslation('analysis');
  const format = useFormat();
  const nameOf = useTreatmentName();
  if (recommendations.length === 0) return <p className="muted">{t('result.noRecommendations')}</p>;
  return (
    <ul className="recommendations">
      {recommendations.map(({ concern, score, treatment }) => {
        const name = nameOf(treatment.name);
        return (
          <li key={treatment.id} className="card recommendation">
            <h3>{name}</h3>
            <p>{t(`recommendation.${concern}`, { score })}</p>
            <p className="muted">
              {t(`treatmentCategory.${treatment.category}`, { defaultValue: treatment.category })} ·{' '}
              {format.money(treatment.priceSatang)}
            </p>
            {canBook && (
              <Link
                className="button secondary"
                href={withQuery('/my-appointments/book', { treatmentId: treatment.id })}
                aria-label={t('result.bookTreatment', { treatment: name })}
              >
                {t('result.book')}
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}
