// What the platform's clinic table can be ranked by, free of server code so that the admin page's
// column headings sort by exactly the metrics the API accepts.

export const CLINIC_METRICS = [
  'revenue',
  'appointments',
  'completed',
  'cancelled',
  'noShows',
  'noShowRate',
  'activeStaff',
  'customers',
  'newCustomers',
  'analyses',
  'lastActivity',
] as const;
export type ClinicMetric = (typeof CLINIC_METRICS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
