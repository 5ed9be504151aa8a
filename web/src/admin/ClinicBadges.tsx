import { useTranslation } from 'react-i18next';
import type { ClinicStatusKey, TierKey } from './admin-types.ts';

/** A clinic's plan and state, as every admin view names them. */
export function ClinicBadges({ tier, status }: { tier: TierKey; status: ClinicStatusKey }) {
  const { t } = useTranslation('admin');
  return (
    <span className="clinic-badges">
      <span className="badge">{t(`tier.${tier}`)}</span>
      <span className={`badge status-${status}`}>{t(`status.${status}`)}</span>
    </span>
  );
}
