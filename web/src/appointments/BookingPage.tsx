import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { Link, useLocation, useSearchParams } from 'wouter';
import type { BookingBody } from '../../../src/appointments/appointment-schemas.ts';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { isSlotGone } from './appointment-actions.ts';
import { AVAILABILITY_KEY, MY_APPOINTMENTS_KEY, useBookingWindow, useTreatments } from './appointment-queries.ts';
import type { Appointment, Slot } from './appointment-types.ts';
import { SlotPicker } from './SlotPicker.tsx';
import { useTreatmentName } from './treatment-name.ts';
import { useClinicMember } from '../auth/use-me.ts';
import './appointments.css';

/** A customer books a treatment at one of the clinic's free times (`?treatmentId=` chooses it ahead). */
export function BookingPage() {
  const { t } = useTranslation('appointments');
  const member = useClinicMember();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  if (!member) return null;
  return (
    <BookingForm
      timeZone={member.clinic.timeZone}
      initialTreatmentId={params.get('treatmentId') ?? undefined}
      title={t('bookTitle')}
      back={<Link href="/my-appointments">← {t('myTitle')}</Link>}
      details={{}}
      onBooked={async (booked) => {
        await queryClient.invalidateQueries({ queryKey: MY_APPOINTMENTS_KEY });
        navigate(`/my-appointments?booked=${booked.id}`);
      }}
    />
  );
}

/** What a booking sends besides the treatment and the time (staff: the customer and notes). */
export type BookingDetails = Omit<z.input<typeof BookingBody>, 'treatmentId' | 'startsAt'>;

interface BookingFormProps {
  timeZone: string;
  title: string;
  back: ReactNode;
  /** The day the time picker opens on; the first bookable day when absent or outside the window. */
  initialDate?: string | undefined;
  /** A treatment chosen ahead, e.g. one a skin analysis recommended. */
  initialTreatmentId?: string | undefined;
  /** Sections asked before the treatment, inside the form (staff: the customer). */
  before?: ReactNode;
  /** Sections asked after the time, inside the form (staff: notes). */
  after?: ReactNode;
  /** Undefined while the booking cannot be sent yet (no customer chosen). */
  details: BookingDetails | undefined;
  /** After the booking is made; `date` is the clinic day it falls on. */
  onBooked(booked: Appointment, date: string): Promise<void>;
}

/** Treatment, a free time on a chosen day, and the confirmation: shared by customers and staff. */
export function BookingForm({
  timeZone,
  title,
  back,
  initialDate,
  initialTreatmentId,
  before,
  after,
  details,
  onBooked,
}: BookingFormProps) {
  const { t } = useTranslation('appointments');
  const format = useFormat(timeZone);
  const nameOf = useTreatmentName();
  const queryClient = useQueryClient();
  const treatments = useTreatments();
  const bookable = useBookingWindow(timeZone);
  const [treatmentId, setTreatmentId] = useState(initialTreatmentId ?? '');
  const [date, setDate] = useState<string | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const treatment = treatments.data?.find((x) => x.id === treatmentId);
  const book = useMutation({
    mutationFn: ({ chosen }: { chosen: Slot; day: string }) =>
      api<Appointment>('/api/appointments', { method: 'POST', body: { ...details, treatmentId, startsAt: chosen.startsAt } }),
    onSuccess: async (booked, { day }) => {
      await queryClient.invalidateQueries({ queryKey: AVAILABILITY_KEY });
      await onBooked(booked, day);
    },
    // Someone else was quicker: drop the choice and show the times that are still free.
    onError: async (error) => {
      if (!(error instanceof ApiError) || !isSlotGone(error.code)) return;
      setSlot(null);
      await queryClient.invalidateQueries({ queryKey: AVAILABILITY_KEY });
    },
  });
  const choose = (next: Slot | null) => {
    book.reset();
    setSlot(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (slot && details) book.mutate({ chosen: slot, day: shownDate });
  };
  if (treatments.isPending || !bookable) return <p className="loading">{t('app:loading')}</p>;
  if (treatments.isError) return <ProblemMessage error={treatments.error} />;
  const shownDate =
    date ??
    (initialDate && initialDate >= bookable.firstDate && initialDate <= bookable.lastDate ? initialDate : bookable.firstDate);
  return (
    <form className="booking" onSubmit={submit} aria-labelledby="booking-title">
      <p>{back}</p>
      <h1 id="booking-title">{title}</h1>
      {before}
      <section className="card">
        <h2>{t('stepTreatment')}</h2>
        <label>
          {t('treatment')}
          <select
            value={treatmentId}
            required
            onChange={(e) => {
              setTreatmentId(e.target.value);
              choose(null);
            }}
          >
            <option value="">{t('chooseTreatment')}</option>
            {treatments.data.map((x) => (
              <option key={x.id} value={x.id}>
                {t('treatmentOption', { name: nameOf(x.name), minutes: x.durationMinutes, price: format.money(x.priceSatang) })}
              </option>
            ))}
          </select>
        </label>
        {treatment?.description && <p className="muted">{treatment.description}</p>}
      </section>
      {treatment && (
        <section className="card">
          <h2>{t('stepTime')}</h2>
          <SlotPicker
            treatmentId={treatment.id}
            timeZone={timeZone}
            date={shownDate}
            firstDate={bookable.firstDate}
            lastDate={bookable.lastDate}
            onDateChange={(d) => {
              setDate(d);
              choose(null);
            }}
            selected={slot}
            onSelect={choose}
          />
        </section>
      )}
      {treatment && slot && after}
      <ProblemMessage error={book.error} />
      {treatment && slot && (
        <section className="card summary" aria-label={t('summary')}>
          <h2>{t('summary')}</h2>
          <p>
            {t('summaryText', {
              treatment: nameOf(treatment.name),
              when: format.dateTime(slot.startsAt),
              price: format.money(treatment.priceSatang),
            })}
          </p>
          <button type="submit" disabled={book.isPending || !details}>
            {book.isPending ? t('booking') : t('confirmBooking')}
          </button>
        </section>
      )}
    </form>
  );
}
