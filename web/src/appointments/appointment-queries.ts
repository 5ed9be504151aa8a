import { useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../api/client.ts';
import type { BookingRules, CancellationQuote, Slot, Treatment } from './appointment-types.ts';
import { addDays, todayIn } from './clinic-days.ts';

export const AVAILABILITY_KEY = ['appointments', 'availability'];
export const MY_APPOINTMENTS_KEY = ['appointments', 'mine'];

export const useBookingRules = () =>
  useQuery({
    queryKey: ['appointments', 'booking-rules'],
    queryFn: ({ signal }) => api<BookingRules>('/api/booking-rules', { signal }),
    staleTime: 5 * 60_000,
  });

export const useTreatments = () =>
  useQuery({
    queryKey: ['appointments', 'treatments'],
    queryFn: ({ signal }) => api<Treatment[]>('/api/treatments', { signal }),
    staleTime: 5 * 60_000,
  });

export const useAvailability = (treatmentId: string, date: string) =>
  useQuery({
    queryKey: [...AVAILABILITY_KEY, treatmentId, date],
    queryFn: ({ signal }) =>
      api<Slot[]>(withQuery('/api/availability', { treatmentId, fromDate: date, toDate: date }), { signal }),
    enabled: !!treatmentId,
    // Someone else may book at any moment: a slot list is never served from an old answer.
    staleTime: 0,
  });

/** What cancelling costs now; the fee grows as the start nears, so it is always asked afresh. */
export const useCancellationQuote = (appointmentId: string) =>
  useQuery({
    queryKey: ['appointments', appointmentId, 'cancellation-quote'],
    queryFn: ({ signal }) => api<CancellationQuote>(`/api/appointments/${appointmentId}/cancellation-quote`, { signal }),
    staleTime: 0,
    gcTime: 0,
  });

/** The local dates the clinic takes bookings for: today up to its booking horizon. */
export function useBookingWindow(timeZone: string): { firstDate: string; lastDate: string } | undefined {
  const rules = useBookingRules();
  if (!rules.data) return undefined;
  const firstDate = todayIn(timeZone);
  return { firstDate, lastDate: addDays(firstDate, rules.data.maxAdvanceDays) };
}
