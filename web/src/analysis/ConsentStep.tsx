import { useTranslation } from 'react-i18next';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useConsentText, useGrantConsent } from './analysis-queries.ts';

/**
 * The consent text in the reader's language, and the button that records it. The version and
 * language shown are the ones recorded, so the record says exactly what was agreed to.
 */
export function ConsentStep({ customerId, onBehalf }: { customerId: string | undefined; onBehalf: boolean }) {
  const { t, i18n } = useTranslation('analysis');
  const text = useConsentText(i18n.language, true);
  const grant = useGrantConsent(customerId);
  return (
    <section className="card consent-step" aria-labelledby="consent-title">
      <h2 id="consent-title">{t('consent.title')}</h2>
      <p className="muted">{onBehalf ? t('consent.introStaff') : t('consent.intro')}</p>
      {text.isPending && <p className="loading">{t('app:loading')}</p>}
      <ProblemMessage error={text.error} />
      {text.data && (
        <>
          <blockquote className="consent-text" lang={text.data.locale}>
            {text.data.text}
          </blockquote>
          <ProblemMessage error={grant.error} />
          <button type="button" disabled={grant.isPending} onClick={() => grant.mutate(text.data)}>
            {onBehalf ? t('consent.agreeForCustomer') : t('consent.agree')}
          </button>
        </>
      )}
    </section>
  );
}
