// Every account role and the groups the API guards by, free of server code so that the web app shows
// exactly the pages the API lets a role use.

export const ROLES = ['super_admin', 'clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist', 'customer'] as const;
export type Role = (typeof ROLES)[number];

/** The roles of a clinic's own accounts; customers hold accounts too but are not staff. */
export const STAFF_ROLES = ['clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Roles a manager can hand out when creating an account: owners are made only by the platform. */
export const ASSIGNABLE_ON_CREATE = ['clinic_admin', 'clinic_staff', 'receptionist'] as const satisfies readonly StaffRole[];
/**
 * The staff who treat customers and so see their skin analyses and photos (health data). The front desk
 * books and records consent but sees no results or photos.
 */
export const HEALTH_DATA_STAFF = ['clinic_owner', 'clinic_admin', 'clinic_staff'] as const satisfies readonly StaffRole[];

/** The staff who change the clinic's settings, catalogue and accounts. */
export const CLINIC_MANAGERS = ['clinic_owner', 'clinic_admin'] as const satisfies readonly StaffRole[];

export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);
