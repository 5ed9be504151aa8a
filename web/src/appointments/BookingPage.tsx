import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
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

/** A customer books a treatment at one of the clinic's free times. */
export function BookingPage() {
  const member = useClinicMember();
  return member ? <BookingForm timeZone={member.clinic.timeZone} /> : null;
}

function BookingForm({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation('appointments');
  const format = useFormat(timeZone);
  const nameOf = useTreatmentName();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const treatments = useTreatments();
  const bookable = useBookingWindow(timeZone);
  const [treatmentId, setTreatmentId] = useState('');
  const [date, setDate] = useState<string | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const treatment = treatments.data?.find((x) => x.id === treatmentId);
  const book = useMutation({
    mutationFn: (chosen: Slot) => api<Appointment>('/api/appointments', { method: 'POST', body: { treatmentId, startsAt: chosen.startsAt } }),
    onSuccess: async (booked) => {
      await Promise.all([MY_APPOINTMENTS_KEY, AVAILABILITY_KEY].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      navigate(`/my-appointments?booked=${booked.id}`);
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
    if (slot) book.mutate(slot);
  };
  if (treatments.isPending || !bookable) return <p className="loading">{t('app:loading')}</p>;
  if (treatments.isError) return <ProblemMessage error={treatments.error} />;
  const shownDate = date ?? bookable.firstDate;
  return (
    <form className="booking" onSubmit={submit} aria-labelledby="booking-title">
      <p>
        <Link href="/my-appointments">← {t('myTitle')}</Link>
      </p>
      <h1 id="booking-title">{t('bookTitle')}</h1>
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
      <ProblemMessage error={book.error} />
      {treatment && slot && (
        <section className="card summary" aria-label={t('summary')}>
          <h2>{t('summary')}</h2>
          <p>{t('summaryText', { treatment: nameOf(treatment.name), when: format.dateTime(slot.startsAt), price: format.money(treatment.priceSatang) })}</p>
          <button type="submit" disabled={book.isPending}>
            {book.isPending ? t('booking') : t('confirmBooking')}
          </button>
        </section>
      )}
    </form>
  );
}
