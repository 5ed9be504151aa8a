import { useTranslation } from 'react-i18next';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useAvailability } from './appointment-queries.ts';
import type { Slot } from './appointment-types.ts';
import { addDays } from './clinic-days.ts';
import './panels.css';

interface SlotPickerProps {
  treatmentId: string;
  timeZone: string;
  date: string;
  /** First and last dates the clinic takes bookings for (local dates). */
  firstDate: string;
  lastDate: string;
  onDateChange(date: string): void;
  selected: Slot | null;
  onSelect(slot: Slot): void;
}

/** One day's free start times for a treatment, with the day to look at. */
export function SlotPicker({
  treatmentId,
  timeZone,
  date,
  firstDate,
  lastDate,
  onDateChange,
  selected,
  onSelect,
}: SlotPickerProps) {
  const { t } = useTranslation('appointments');
  const format = useFormat(timeZone);
  const slots = useAvailability(treatmentId, date);
  const within = (d: string) => d >= firstDate && d <= lastDate;
  return (
    <div className="slot-picker">
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={!within(addDays(date, -1))}
          onClick={() => onDateChange(addDays(date, -1))}
        >
          {t('previousDay')}
        </button>
        <label>
          {t('date')}
          <input
            type="date"
            value={date}
            min={firstDate}
            max={lastDate}
            required
            onChange={(e) => within(e.target.value) && onDateChange(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="secondary"
          disabled={!within(addDays(date, 1))}
          onClick={() => onDateChange(addDays(date, 1))}
        >
          {t('nextDay')}
        </button>
      </div>
      {slots.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : slots.isError ? (
        <ProblemMessage error={slots.error} />
      ) : slots.data.length === 0 ? (
        <p className="muted">{t('noSlots')}</p>
      ) : (
        <div className="slots" role="group" aria-label={t('availableTimes')}>
          {slots.data.map((slot) => (
            <button
              key={slot.startsAt}
              type="button"
              className={selected?.startsAt === slot.startsAt ? undefined : 'secondary'}
              aria-pressed={selected?.startsAt === slot.startsAt}
              onClick={() => onSelect(slot)}
            >
              {format.time(slot.startsAt)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
