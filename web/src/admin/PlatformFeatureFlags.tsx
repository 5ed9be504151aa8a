import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import type { FeatureFlagDefault, FlagDefaultSetting } from './admin-types.ts';
import { FeatureFlagTable } from './FeatureFlagTable.tsx';

/**
 * Each flag's state for every clinic without a flag of its own: on or off, and for what share of clinics
 * (the same clinics each time). Turning one off here reaches every node within seconds, no deploy needed.
 */
export function PlatformFeatureFlags() {
  const { t } = useTranslation('admin');
  const f = useFormat();
  const queryClient = useQueryClient();
  const flags = useQuery({
    queryKey: ['admin', 'features'],
    queryFn: ({ signal }) => api<FeatureFlagDefault[]>('/api/admin/features', { signal }),
  });
  const change = useMutation({
    mutationFn: ({ key, setting }: { key: string; setting: FlagDefaultSetting }) =>
      api<FeatureFlagDefault>(`/api/admin/features/${encodeURIComponent(key)}`, { method: 'PUT', body: setting }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['admin', 'features'] }),
        queryClient.invalidateQueries({ queryKey: ['admin', 'audit-logs'] }),
      ]),
  });
  return (
    <section className="card" aria-labelledby="platform-flags-title">
      <h2 id="platform-flags-title">{t('platformFlags.title')}</h2>
      <p className="muted">{t('platformFlags.explain')}</p>
      {flags.isPending && <p className="loading">{t('app:loading')}</p>}
      <ProblemMessage error={flags.error} />
      {flags.data && (
        <FeatureFlagTable
          flags={flags.data}
          change={change}
          rolloutHeading={t('platformFlags.rollout')}
          rolloutLabel={(key) => t('platformFlags.rolloutOf', { key })}
          headings={<th scope="col">{t('flags.updated')}</th>}
          cells={(flag) => (
            <td>
              {flag.updatedAt ? (
                <time dateTime={flag.updatedAt}>{f.dateTime(flag.updatedAt)}</time>
              ) : (
                <span className="muted">{t('platformFlags.codeDefault')}</span>
              )}
            </td>
          )}
        />
      )}
      <ProblemMessage error={change.error} />
    </section>
  );
}
