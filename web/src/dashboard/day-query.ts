import { queryOptions } from '@tanstack/react-query';
import { api, withQuery } from '../api/client.ts';
import type { Appointment } from '../appointments/appointment-types.ts';
import { dayBounds, isLocalDate, todayIn } from '../appointments/clinic-days.ts';

export const dayKey = (date: string) => ['dashboard', 'day', date];

/** The clinic day the dashboard shows: `?date=` when it is a date, else today in the clinic. */
export function dayShown(search: URLSearchParams, timeZone: string): string {
  const requested = search.get('date');
  return isLocalDate(requested) ? requested : todayIn(timeZone);
}

/**
 * One clinic day's appointments. Kept out of the page's chunk so that the app shell can start it
 * for a dashboard it opens on while the page's code is still downloading.
 */
export const dayQuery = (date: string, timeZone: string) =>
  queryOptions({
    queryKey: dayKey(date),
    queryFn: ({ signal }) => api<Appointment[]>(withQuery('/api/appointments', dayBounds(date, timeZone)), { signal }),
  });
