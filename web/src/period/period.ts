/**
 * The reporting period of clinic performance: whole days, both ends included, each clinic counting
 * its own local days as the API does. A preset is kept as its length so a bookmarked page keeps meaning
 * "the last 30 days", and is asked for as such: the API ends it on each clinic's own local today.
 */
export const PRESET_DAYS = [7, 30, 90] as const;
type PresetDays = (typeof PRESET_DAYS)[number];
const DEFAULT_DAYS: PresetDays = 30;

export type Period = { kind: 'preset'; days: PresetDays } | { kind: 'custom'; from: string; to: string };

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the API is asked for: a preset by its length, a custom period by its days. */
export function queryOf(period: Period): { days: number } | { from: string; to: string } {
  return period.kind === 'preset' ? { days: period.days } : { from: period.from, to: period.to };
}

/** The first and last day of a period, to start the custom period's fields from; today is the current UTC day. */
export function daysOf(period: Period, now = Date.now()): { from: string; to: string } {
  if (period.kind === 'custom') return { from: period.from, to: period.to };
  const to = utcDay(now);
  return { from: utcDay(Date.parse(to) - (period.days - 1) * DAY_MS), to };
}

/** The period a page's search parameters describe; anything unreadable falls back to the default. */
export function periodOf(search: URLSearchParams): Period {
  const from = search.get('from');
  const to = search.get('to');
  if (from && to && ISO_DAY.test(from) && ISO_DAY.test(to)) return { kind: 'custom', from, to };
  const days = Number(search.get('days'));
  return { kind: 'preset', days: PRESET_DAYS.find((d) => d === days) ?? DEFAULT_DAYS };
}

/** The search parameters that describe a period (the default one needs none). */
export function periodParams(period: Period): Record<string, string | null> {
  if (period.kind === 'custom') return { days: null, from: period.from, to: period.to };
  return { days: period.days === DEFAULT_DAYS ? null : String(period.days), from: null, to: null };
}
