import type { Role } from '../users/role-vocabulary.ts';

const RANK: Record<Role, number> = {
  super_admin: 4,
  clinic_owner: 3,
  clinic_admin: 2,
  clinic_staff: 1,
  receptionist: 1,
  customer: 0,
};

/** An owner manages everyone in the clinic; an admin manages only the accounts ranked below admins. */
export function mayManage(actor: Role, target: Role): boolean {
  return actor === 'clinic_owner' || (actor === 'clinic_admin' && RANK[target] < RANK.clinic_admin);
}
