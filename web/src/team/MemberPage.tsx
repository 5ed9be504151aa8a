import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { ASSIGNABLE_ON_CREATE, STAFF_ROLES, type StaffRole, isStaffRole } from '../../../src/users/role-vocabulary.ts';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useClinicMember } from '../auth/use-me.ts';
import { LeaveAndShifts } from './LeaveAndShifts.tsx';
import { SeatProblem } from './SeatProblem.tsx';
import { TEAM_KEY, type StaffMember } from './team-types.ts';
import './team.css';

/** One staff member: their role, whether they can sign in, and their leave and extra shifts. */
export function MemberPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation('team');
  const member = useClinicMember();
  const person = useQuery({
    queryKey: [...TEAM_KEY, 'staff', id],
    queryFn: ({ signal }) => api<StaffMember>(`/api/staff/${id}`, { signal }),
  });
  if (!member) return null;
  return (
    <section className="team">
      <p>
        <Link href="/team">← {t('title')}</Link>
      </p>
      {person.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : person.isError ? (
        <ProblemMessage error={person.error} />
      ) : (
        <>
          <h1>{person.data.fullName}</h1>
          <p className="muted">{person.data.email}</p>
          <RoleAndStatus person={person.data} mayMakeOwners={member.role === 'clinic_owner'} />
          <LeaveAndShifts staffUserId={person.data.id} timeZone={member.clinic.timeZone} />
        </>
      )}
    </section>
  );
}

function RoleAndStatus({ person, mayMakeOwners }: { person: StaffMember; mayMakeOwners: boolean }) {
  const { t } = useTranslation('team');
  const queryClient = useQueryClient();
  const [role, setRole] = useState<StaffRole>(isStaffRole(person.role) ? person.role : 'receptionist');
  // Only an owner hands out the owner's and admin's roles to someone who holds them already.
  const roles: readonly StaffRole[] = mayMakeOwners ? STAFF_ROLES : ASSIGNABLE_ON_CREATE;
  const saved = (answer: StaffMember) => {
    queryClient.setQueryData([...TEAM_KEY, 'staff', person.id], answer);
    return queryClient.invalidateQueries({ queryKey: [...TEAM_KEY, 'staff'], exact: true });
  };
  const changeRole = useMutation({
    mutationFn: () => api<StaffMember>(`/api/staff/${person.id}`, { method: 'PATCH', body: { role } }),
    onSuccess: saved,
  });
  const toggle = useMutation({
    mutationFn: () => api<StaffMember>(`/api/staff/${person.id}/${person.disabledAt ? 'enable' : 'disable'}`, { method: 'POST' }),
    onSuccess: saved,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    changeRole.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="role-title">
      <h2 id="role-title">{t('member.access')}</h2>
      <div className="row">
        <label>
          {t('roleLabel')}
          <select value={role} onChange={(e) => isStaffRole(e.target.value) && setRole(e.target.value)}>
            {(roles.includes(role) ? roles : [role, ...roles]).map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={changeRole.isPending || role === person.role}>
          {t('member.saveRole')}
        </button>
      </div>
      {changeRole.isSuccess && <p role="status">{t('member.roleSaved')}</p>}
      <ProblemMessage error={changeRole.error} />
      <p>
        <span className="badge">{person.disabledAt ? t('staff.disabled') : t('staff.active')}</span>
      </p>
      <div>
        <button type="button" className="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {person.disabledAt ? t('member.enable') : t('member.disable')}
        </button>
      </div>
      <SeatProblem error={toggle.error} />
    </form>
  );
}
