import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import type { FeatureFlag, FeatureSetting } from './admin-types.ts';
import { Field, fieldProblems } from './Field.tsx';
import { FeatureFlagTable } from './FeatureFlagTable.tsx';
import { PercentInput } from './PercentInput.tsx';

type FlagChange = { key: string; setting: FeatureSetting } | { key: string; remove: true };

/** Sets or removes one of the clinic's flags, then reads the flags and the audit log again. */
function useFlagChange(clinicId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: FlagChange): Promise<unknown> => {
      const path = `/api/admin/clinics/${clinicId}/features/${encodeURIComponent(change.key)}`;
      return 'remove' in change
        ? api<void>(path, { method: 'DELETE' })
        : api<FeatureFlag>(path, { method: 'PUT', body: change.setting });
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['admin', 'clinic', clinicId, 'features'] }),
        queryClient.invalidateQueries({ queryKey: ['admin', 'audit-logs'] }),
      ]),
  });
}

/** The clinic's own feature switches: on or off, for a share of its users; a removed flag is off. */
export function ClinicFeatureFlags({ clinicId, timeZone }: { clinicId: string; timeZone: string }) {
  const { t } = useTranslation('admin');
  const flags = useQuery({
    queryKey: ['admin', 'clinic', clinicId, 'features'],
    queryFn: ({ signal }) => api<FeatureFlag[]>(`/api/admin/clinics/${clinicId}/features`, { signal }),
  });
  const f = useFormat(timeZone);
  const change = useFlagChange(clinicId);
  return (
    <section className="card" aria-labelledby="flags-title">
      <h2 id="flags-title">{t('flags.title')}</h2>
      {flags.isPending && <p className="loading">{t('app:loading')}</p>}
      <ProblemMessage error={flags.error} />
      {flags.data?.length === 0 && <p className="muted">{t('flags.none')}</p>}
      {flags.data && flags.data.length > 0 && (
        <FeatureFlagTable
          flags={flags.data}
          change={change}
          rolloutHeading={t('flags.rollout')}
          rolloutLabel={(key) => t('flags.rolloutOf', { key })}
          headings={
            <>
              <th scope="col">{t('flags.updated')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('flags.actions')}</span>
              </th>
            </>
          }
          cells={(flag) => (
            <>
              <td>
                <time dateTime={flag.updatedAt}>{f.dateTime(flag.updatedAt)}</time>
              </td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  disabled={change.isPending}
                  aria-label={t('flags.removeOf', { key: flag.key })}
                  onClick={() => change.mutate({ key: flag.key, remove: true })}
                >
                  {t('flags.remove')}
                </button>
              </td>
            </>
          )}
        />
      )}
      <ProblemMessage error={change.error} />
      <NewFlagForm clinicId={clinicId} />
    </section>
  );
}

function NewFlagForm({ clinicId }: { clinicId: string }) {
  const { t } = useTranslation('admin');
  const [key, setKey] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [rollout, setRollout] = useState('100');
  const add = useFlagChange(clinicId);
  const problems = fieldProblems(add.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ key: key.trim(), setting: { enabled, rolloutPercent: Number(rollout) } }, { onSuccess: () => setKey('') });
  };
  return (
    <form className="row new-flag" onSubmit={submit} aria-label={t('flags.add')} noValidate>
      <Field label={t('flags.newKey')} problem={problems.get('params.key')}>
        {(props) => (
          <input {...props} value={key} autoCapitalize="none" spellCheck={false} onChange={(e) => setKey(e.target.value)} />
        )}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        {t('flags.enabled')}
      </label>
      <Field label={t('flags.rollout')} problem={problems.get('body.rolloutPercent')}>
        {(props) => <PercentInput {...props} value={rollout} onChange={setRollout} />}
      </Field>
      <button type="submit" disabled={add.isPending || key.trim() === ''}>
        {t('flags.add')}
      </button>
      {problems.size === 0 && <ProblemMessage error={add.error} />}
    </form>
  );
}
