import { useTranslation } from 'react-i18next';
import type { Analysis } from './analysis-types.ts';

/** Why an analysis ended without a result, in the reader's language when the code is known. */
export function FailureReason({ failure }: { failure: NonNullable<Analysis['failure']> }) {
  const { t } = useTranslation('analysis');
  return (
    <section className="card" role="alert">
      <h2>{t('failed.title')}</h2>
      <p>{t(`failed.${failure.code}`, { defaultValue: failure.reason || t('failed.unknown') })}</p>
    </section>
  );
}
