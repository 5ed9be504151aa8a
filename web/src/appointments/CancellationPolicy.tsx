import { useTranslation } from 'react-i18next';
import type { BookingRules } from './appointment-types.ts';

/** The clinic's fee tiers in words, nearest to the start first. */
export function CancellationPolicy({ tiers }: { tiers: BookingRules['cancellationFees'] }) {
  const { t } = useTranslation('appointments');
  const sorted = [...tiers].sort((a, b) => a.hoursBefore - b.hoursBefore);
  const freeFrom = sorted[sorted.length - 1]?.hoursBefore;
  return (
    <div className="policy">
      <p className="muted">{t('policy')}</p>
      <ul>
        {sorted.map((tier) => (
          <li key={tier.hoursBefore}>{t('policyTier', { hours: tier.hoursBefore, percent: tier.feePercent })}</li>
        ))}
        <li>{freeFrom === undefined ? t('policyAlwaysFree') : t('policyFree', { hours: freeFrom })}</li>
      </ul>
    </div>
  );
}
