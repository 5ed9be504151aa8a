import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { useClinicMember } from '../auth/use-me.ts';
import { InviteForm } from './InviteForm.tsx';
import { PendingInvitationsTable, usePendingInvitations } from './PendingInvitationsTable.tsx';
import { TEAM_KEY, type StaffList } from './team-types.ts';
import './team.css';

/** The clinic's staff for its owners and admins: who has which role, who is disabled, who is invited. */
export function TeamPage() {
  const { t } = useTranslation('team');
  const member = useClinicMember();
  const staff = useQuery({
    queryKey: [...TEAM_KEY, 'staff'],
    // The first hundred: a clinic's plan seats far fewer.
    queryFn: ({ signal }) => api<StaffList>('/api/staff?includeDisabled=true&limit=100', { signal }),
  });
  // An invited account exists from the invitation on; until it is accepted it is shown as invited.
  const invited = new Set(usePendingInvitations().data?.items.map((i) => i.id));
  if (!member) return null;
  return (
    <section className="team">
      <h1>{t('title')}</h1>
      <InviteForm />
      <PendingInvitationsTable timeZone={member.clinic.timeZone} />
      <section aria-labelledby="staff-title">
        <h2 id="staff-title">{t('staff.title')}</h2>
        {staff.isPending ? (
          <p className="muted">{t('app:loading')}</p>
        ) : staff.isError ? (
          <ProblemMessage error={staff.error} />
        ) : (
          <table>
            <TableHead columns={[t('name'), t('email'), t('roleLabel'), t('staff.status')]} />
            <tbody>
              {staff.data.items.map((person) => (
                <tr key={person.id}>
                  <td>
                    <Link href={`/team/${person.id}`}>{person.fullName}</Link>
                  </td>
                  <td>{person.email}</td>
                  <td>{t(`role.${person.role}`)}</td>
                  <td>
                    <span className="badge">
                      {person.disabledAt ? t('staff.disabled') : invited.has(person.id) ? t('staff.invited') : t('staff.active')}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
