import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
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

/** A clinic's name, linking to its page, with its slug: how admin tables name a clinic in a row. */
export function ClinicName({ clinic }: { clinic: { id: string; name: string; slug: string } }) {
  return (
    <>
      <Link href={`/admin/clinics/${clinic.id}`}>{clinic.name}</Link>
      <span className="muted slug">{clinic.slug}</span>
    </>
  );
}
