import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { useTreatmentName } from '../appointments/treatment-name.ts';
import { useFormat } from '../i18n/format.ts';
import { TreatmentForm } from './TreatmentForm.tsx';
import { useCanManage, useTeam } from './setup-queries.ts';
import type { Treatment } from './setup-types.ts';
import '../admin/admin.css';
import './setup.css';

export const treatmentsKey = ['treatments', 'all'];

/** The whole catalogue, inactive treatments included; owners and admins add and change them. */
export function TreatmentsPage() {
  const { t } = useTranslation('setup');
  const canManage = useCanManage();
  const format = useFormat();
  const nameOf = useTreatmentName();
  const treatments = useQuery({
    queryKey: treatmentsKey,
    queryFn: () => api<Treatment[]>('/api/treatments?includeInactive=true'),
  });
  const team = useTeam(canManage);
  const staffName = (id: string) => team.data?.find((s) => s.id === id)?.fullName ?? '—';
  // null: the add form; a treatment: its edit form; undefined: no form open.
  const [editing, setEditing] = useState<Treatment | null | undefined>(undefined);
  return (
    <section className="setup">
      <h1>{t('treatments.title')}</h1>
      {canManage && editing === undefined && (
        <p>
          <button type="button" onClick={() => setEditing(null)}>
            {t('treatments.add')}
          </button>
        </p>
      )}
      {canManage && editing !== undefined && (
        <TreatmentForm key={editing?.id ?? 'new'} treatment={editing} team={team} onDone={() => setEditing(undefined)} />
      )}
      {treatments.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : treatments.isError ? (
        <ProblemMessage error={treatments.error} />
      ) : treatments.data.length === 0 ? (
        <p className="muted">{t('treatments.none')}</p>
      ) : (
        <table>
          <TableHead
            columns={[
              t('treatments.name'),
              t('treatments.category'),
              { label: t('treatments.duration'), numeric: true },
              { label: t('treatments.price'), numeric: true },
              ...(canManage ? [t('treatments.performers')] : []),
              t('treatments.status'),
            ]}
          />
          <tbody>
            {treatments.data.map((treatment) => (
              <tr key={treatment.id} className={treatment.isActive ? undefined : 'inactive'}>
                <td>
                  {canManage ? (
                    <button type="button" className="secondary" onClick={() => setEditing(treatment)}>
                      {t('treatments.edit', { name: nameOf(treatment.name) })}
                    </button>
                  ) : (
                    nameOf(treatment.name)
                  )}
                </td>
                <td>{t(`categories.${treatment.category}`)}</td>
                <td className="number">{t('treatments.minutes', { count: treatment.durationMinutes })}</td>
                <td className="number">{format.money(treatment.priceSatang)}</td>
                {canManage && <td>{treatment.staffUserIds.map(staffName).join(', ') || t('treatments.nobody')}</td>}
                <td>{treatment.isActive ? t('active') : t('inactive')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
