import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import type { ClinicDetail } from './admin-types.ts';
import { ClinicBadges } from './ClinicBadges.tsx';
import { ClinicFeatureFlags } from './ClinicFeatureFlags.tsx';
import { ClinicPlanForm } from './ClinicPlanForm.tsx';
import { ClinicProviderForm } from './ClinicProviderForm.tsx';
import { ClinicStatusActions } from './ClinicStatusActions.tsx';
import { clinicKey } from './clinic-writes.ts';
import './admin.css';

/** One clinic as the platform runs it: plan, limits, analysis provider, status and feature flags. */
export function ClinicPage() {
  const params = useParams<{ id: string }>();
  const { t } = useTranslation('admin');
  const clinic = useQuery({
    queryKey: clinicKey(params.id),
    queryFn: ({ signal }) => api<ClinicDetail>(`/api/admin/clinics/${params.id}`, { signal }),
  });
  return (
    <section className="admin-page">
      <p>
        <Link href="/admin/clinics">{t('clinic.back')}</Link>
      </p>
      {clinic.isPending && <p className="loading">{t('app:loading')}</p>}
      <ProblemMessage error={clinic.error} />
      {clinic.data && <ClinicDetails clinic={clinic.data} />}
    </section>
  );
}

function ClinicDetails({ clinic }: { clinic: ClinicDetail }) {
  const { t } = useTranslation('admin');
  const f = useFormat(clinic.timeZone);
  const facts: [string, string][] = [
    [t('clinic.slug'), clinic.slug],
    [t('create.timeZone'), clinic.timeZone],
    [t('create.locale'), t(`locale.${clinic.locale}`)],
    [
      t('clinic.seats'),
      clinic.limits.maxUsers === null
        ? t('clinic.seatsUnlimited', { used: f.number(clinic.usage.activeUsers) })
        : t('clinic.seatsOf', { used: f.number(clinic.usage.activeUsers), max: f.number(clinic.limits.maxUsers) }),
    ],
    [t('clinics.created'), f.dateTime(clinic.createdAt)],
    [t('clinic.updated'), f.dateTime(clinic.updatedAt)],
  ];
  return (
    <>
      <div className="page-heading">
        <h1>{clinic.name}</h1>
        <ClinicBadges tier={clinic.tier} status={clinic.status} />
        <ClinicStatusActions clinic={clinic} />
      </div>
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p>
        <Link href={`/admin/audit-logs?clinicId=${clinic.id}`}>{t('clinic.auditLog')}</Link>
      </p>
      <div className="clinic-sections">
        <ClinicPlanForm clinic={clinic} />
        <ClinicProviderForm clinic={clinic} />
        <ClinicFeatureFlags clinicId={clinic.id} timeZone={clinic.timeZone} />
      </div>
    </>
  );
}
