/** The audit log's filters as the page's address holds them; days are the reader's own calendar days. */
export type AuditFilters = {
  clinicId: string;
  action: string;
  actorUserId: string;
  /** First day shown, YYYY-MM-DD, included. */
  from: string;
  /** Last day shown, YYYY-MM-DD, included. */
  to: string;
};

export const FILTER_NAMES = [
  'clinicId',
  'action',
  'actorUserId',
  'from',
  'to',
] as const satisfies readonly (keyof AuditFilters)[];

export function auditFiltersOf(search: URLSearchParams): AuditFilters {
  return Object.fromEntries(FILTER_NAMES.map((name) => [name, search.get(name) ?? ''])) as unknown as AuditFilters;
}

/** Local midnight of a day, as the instant the API takes; `plusDays` 1 gives the end of that day. */
function startOfLocalDay(day: string, plusDays = 0): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year!, month! - 1, date! + plusDays).toISOString();
}

/** The API's query for the filters: the days become [since, until) in the reader's time zone. */
export function auditQueryOf(filters: AuditFilters) {
  return {
    clinicId: filters.clinicId.trim(),
    action: filters.action.trim(),
    actorUserId: filters.actorUserId.trim(),
    since: filters.from ? startOfLocalDay(filters.from) : undefined,
    until: filters.to ? startOfLocalDay(filters.to, 1) : undefined,
  };
}
