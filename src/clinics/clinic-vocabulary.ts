// A clinic's subscription tiers and account statuses, free of server code so that the admin pages
// offer exactly what the API accepts.

export const TIERS = ['starter', 'professional', 'enterprise'] as const;
export type TierKey = (typeof TIERS)[number];

export const CLINIC_STATUSES = ['active', 'trial', 'suspended', 'cancelled'] as const;
export type ClinicStatusKey = (typeof CLINIC_STATUSES)[number];
