import { CLINIC_MANAGERS, HEALTH_DATA_STAFF, STAFF_ROLES } from '../../../src/users/role-vocabulary.ts';
import type { Role } from '../auth/use-me.ts';

export interface NavItem {
  path: string;
  /** Key in the app namespace. */
  label: string;
  roles: readonly Role[];
}

/** What each role sees in the navigation, in order; the first is their home page. */
export const NAVIGATION: NavItem[] = [
  { path: '/dashboard', label: 'nav.dashboard', roles: STAFF_ROLES },
  { path: '/my-appointments', label: 'nav.myAppointments', roles: ['customer'] },
  { path: '/analyses', label: 'nav.analyses', roles: [...HEALTH_DATA_STAFF, 'customer'] },
  { path: '/customers', label: 'nav.customers', roles: STAFF_ROLES },
  { path: '/team', label: 'nav.team', roles: CLINIC_MANAGERS },
  { path: '/reports', label: 'nav.reports', roles: CLINIC_MANAGERS },
  // Every member of staff may read the catalogue and the rooms; only managers change them (the API's guards).
  { path: '/setup/treatments', label: 'nav.treatments', roles: STAFF_ROLES },
  { path: '/setup/rooms', label: 'nav.rooms', roles: STAFF_ROLES },
  { path: '/setup/hours', label: 'nav.workingHours', roles: CLINIC_MANAGERS },
  { path: '/setup/clinic', label: 'nav.clinicSettings', roles: CLINIC_MANAGERS },
  { path: '/my-data', label: 'nav.myData', roles: ['customer'] },
  { path: '/admin/analytics', label: 'nav.clinicPerformance', roles: ['super_admin'] },
  { path: '/admin/clinics', label: 'nav.clinics', roles: ['super_admin'] },
  { path: '/admin/audit-logs', label: 'nav.auditLog', roles: ['super_admin'] },
  { path: '/admin/system', label: 'nav.system', roles: ['super_admin'] },
];

export const navigationFor = (role: Role) => NAVIGATION.filter((item) => item.roles.includes(role));
