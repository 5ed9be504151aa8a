import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { useFormat } from '../i18n/format.ts';
import { TEAM_KEY, type PendingInvitation, type PendingInvitations } from './team-types.ts';

/** The first hundred invitations not accepted yet: a clinic's plan seats far fewer. */
export const usePendingInvitations = () =>
  useQuery({
    queryKey: [...TEAM_KEY, 'invitations'],
    queryFn: ({ signal }) => api<PendingInvitations>('/api/staff/invitations?limit=100', { signal }),
  });

/** Invitations not accepted yet: each can be sent again (a new link) or revoked. */
export function PendingInvitationsTable({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation('team');
  const invitations = usePendingInvitations();
  if (invitations.isError) return <ProblemMessage error={invitations.error} />;
  if (!invitations.data?.items.length) return null;
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">{t('pending.title')}</h2>
      <table>
        <TableHead columns={[t('name'), t('email'), t('roleLabel'), t('pending.expires'), t('actions')]} />
        <tbody>
          {invitations.data.items.map((invitation) => (
            <InvitationRow key={invitation.id} invitation={invitation} timeZone={timeZone} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function InvitationRow({ invitation, timeZone }: { invitation: PendingInvitation; timeZone: string }) {
  const { t } = useTranslation('team');
  const format = useFormat(timeZone);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: TEAM_KEY });
  const resend = useMutation({
    mutationFn: () => api(`/api/staff/invitations/${invitation.id}/resend`, { method: 'POST' }),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: () => api(`/api/staff/invitations/${invitation.id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  return (
    <tr>
      <td>{invitation.fullName}</td>
      <td>{invitation.email}</td>
      <td>{t(`role.${invitation.role}`)}</td>
      <td>{invitation.expiresAt ? format.dateTime(invitation.expiresAt) : '—'}</td>
      <td>
        <div className="actions">
          <button
            type="button"
            className="secondary"
            aria-label={t('pending.resendTo', { email: invitation.email })}
            disabled={resend.isPending}
            onClick={() => resend.mutate()}
          >
            {t('pending.resend')}
          </button>
          <button
            type="button"
            className="secondary"
            aria-label={t('pending.revokeFor', { email: invitation.email })}
            disabled={revoke.isPending}
            onClick={() => revoke.mutate()}
          >
            {t('pending.revoke')}
          </button>
        </div>
        {resend.isSuccess && <p role="status">{t('pending.resent')}</p>}
        <ProblemMessage error={resend.error ?? revoke.error} />
      </td>
    </tr>
  );
}
