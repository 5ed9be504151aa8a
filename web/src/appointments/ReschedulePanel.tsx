import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { isSlotGone, staffForMove } from './appointment-actions.ts';
import { AVAILABILITY_KEY, useBookingWindow, useCancellationQuote } from './appointment-queries.ts';
import type { Appointment, Slot } from './appointment-types.ts';
import { localDateOf } from './clinic-days.ts';
import { SlotPicker } from './SlotPicker.tsx';
import './panels.css';

interface ReschedulePanelProps {
  appointment: Appointment;
  timeZone: string;
  onMoved(appointment: Appointment): void;
  onClose(): void;
}

/** Moves an appointment to another free time of the same treatment. */
export function ReschedulePanel({ appointment, timeZone, onMoved, onClose }: ReschedulePanelProps) {
  const { t } = useTranslation('appointments');
  const format = useFormat(timeZone);
  const queryClient = useQueryClient();
  const quote = useCancellationQuote(appointment.id);
  const bookable = useBookingWindow(timeZone);
  const [date, setDate] = useState(() => localDateOf(appointment.startsAt, timeZone));
  const [slot, setSlot] = useState<Slot | null>(null);
  const move = useMutation({
    mutationFn: (to: Slot) =>
      api<Appointment>(`/api/appointments/${appointment.id}/reschedule`, {
        method: 'POST',
        body: { startsAt: to.startsAt, staffUserId: staffForMove(to, appointment.staff.id) },
      }),
    onSuccess: async (moved) => {
      await queryClient.invalidateQueries({ queryKey: AVAILABILITY_KEY });
      onMoved(moved);
    },
    onError: async (error) => {
      if (!(error instanceof ApiError) || !isSlotGone(error.code)) return;
      setSlot(null);
      await queryClient.invalidateQueries({ queryKey: AVAILABILITY_KEY });
    },
  });
  const choose = (chosen: Slot) => {
    move.reset();
    setSlot(chosen);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (slot) move.mutate(slot);
  };
  return (
    <form className="action-panel" onSubmit={submit} aria-label={t('rescheduleTitle')}>
      <h3>{t('rescheduleTitle')}</h3>
      {quote.isPending || !bookable ? (
        <p className="muted">{t('app:loading')}</p>
      ) : quote.isError ? (
        <ProblemMessage error={quote.error} />
      ) : !quote.data.canReschedule ? (
        <p role="alert">{t('rescheduleClosed')}</p>
      ) : (
        <SlotPicker
          treatmentId={appointment.treatment.id}
          timeZone={timeZone}
          date={date}
          firstDate={bookable.firstDate}
          lastDate={bookable.lastDate}
          onDateChange={(d) => {
            setDate(d);
            setSlot(null);
          }}
          selected={slot}
          onSelect={choose}
        />
      )}
      <ProblemMessage error={move.error} />
      <div className="row">
        <button type="submit" disabled={!slot || move.isPending}>
          {slot ? t('confirmMove', { when: format.dateTime(slot.startsAt) }) : t('chooseTime')}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('close')}
        </button>
      </div>
    </form>
  );
}
