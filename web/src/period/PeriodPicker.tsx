import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../admin/Field.tsx';
import { daysOf, PRESET_DAYS, type Period } from './period.ts';
import './period.css';

/** Last 7, 30 or 90 days, or any run of whole days the reader types in (the clinic's own local days). */
export function PeriodPicker({ period, onChange }: { period: Period; onChange: (period: Period) => void }) {
  const { t } = useTranslation('period');
  const shown = daysOf(period);
  const [from, setFrom] = useState(shown.from);
  const [to, setTo] = useState(shown.to);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onChange({ kind: 'custom', from, to });
  };
  return (
    <div className="period-picker row">
      <div role="group" aria-label={t('period')} className="segmented">
        {PRESET_DAYS.map((days) => (
          <button
            key={days}
            type="button"
            className={period.kind === 'preset' && period.days === days ? undefined : 'secondary'}
            aria-pressed={period.kind === 'preset' && period.days === days}
            onClick={() => onChange({ kind: 'preset', days })}
          >
            {t('lastDays', { count: days })}
          </button>
        ))}
      </div>
      <form className="row" onSubmit={apply} aria-label={t('customPeriod')}>
        <Field label={t('from')}>
          {(props) => <input {...props} type="date" required value={from} max={to} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field label={t('to')}>
          {(props) => <input {...props} type="date" required value={to} min={from} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <button type="submit" className={period.kind === 'custom' ? undefined : 'secondary'}>
          {t('showPeriod')}
        </button>
      </form>
    </div>
  );
}
