import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { addDays, localInstant, startOfLocalDay, todayIn } from '../appointments/clinic-days.ts';
import { useFormat } from '../i18n/format.ts';
import { TEAM_KEY, type Exception, type Schedule } from './team-types.ts';

type Kind = Exception['kind'];

/**
 * Leave and extra shifts from today for the 90 days the API answers, as a list by date; the clinic's
 * time zone decides what a day is, wherever the manager reads from.
 */
export function LeaveAndShifts({ staffUserId, timeZone }: { staffUserId: string; timeZone: string }) {
  const { t } = useTranslation('team');
  const format = useFormat(timeZone);
  const queryClient = useQueryClient();
  const key = [...TEAM_KEY, 'schedule', staffUserId];
  const from = startOfLocalDay(todayIn(timeZone), timeZone).toISOString();
  const schedule = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<Schedule>(withQuery(`/api/staff/${staffUserId}/schedule`, { from }), { signal }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/staff/${staffUserId}/exceptions/${id}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <section className="card" aria-labelledby="exceptions-title">
      <h2 id="exceptions-title">{t('exceptions.title')}</h2>
      {schedule.isError ? (
        <ProblemMessage error={schedule.error} />
      ) : !schedule.data ? (
        <p className="muted">{t('app:loading')}</p>
      ) : schedule.data.exceptions.length === 0 ? (
        <p className="muted">{t('exceptions.none')}</p>
      ) : (
        <table>
          <TableHead
            columns={[t('exceptions.kind'), t('exceptions.from'), t('exceptions.until'), t('exceptions.note'), t('actions')]}
          />
          <tbody>
            {schedule.data.exceptions.map((e) => (
              <tr key={e.id}>
                <td>{t(`exceptions.${e.kind}`)}</td>
                <td>{format.dateTime(e.startsAt)}</td>
                <td>{format.dateTime(e.endsAt)}</td>
                <td>{e.note}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={t('exceptions.removeOne', { when: format.dateTime(e.startsAt) })}
                    disabled={remove.isPending}
                    onClick={() => remove.mutate(e.id)}
                  >
                    {t('exceptions.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ProblemMessage error={remove.error} />
      <AddException
        staffUserId={staffUserId}
        timeZone={timeZone}
        onAdded={() => queryClient.invalidateQueries({ queryKey: key })}
      />
    </section>
  );
}

function AddException({
  staffUserId,
  timeZone,
  onAdded,
}: {
  staffUserId: string;
  timeZone: string;
  onAdded: () => Promise<void>;
}) {
  const { t } = useTranslation('team');
  const [kind, setKind] = useState<Kind>('leave');
  const [date, setDate] = useState(() => todayIn(timeZone));
  const [wholeDay, setWholeDay] = useState(true);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('18:00');
  const [note, setNote] = useState('');
  const add = useMutation({
    mutationFn: () => {
      const [startsAt, endsAt] = wholeDay
        ? [startOfLocalDay(date, timeZone), startOfLocalDay(addDays(date, 1), timeZone)]
        : [localInstant(date, start, timeZone), localInstant(date, end, timeZone)];
      return api(`/api/staff/${staffUserId}/exceptions`, {
        method: 'POST',
        body: { kind, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), note },
      });
    },
    onSuccess: () => {
      setNote('');
      return onAdded();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-exception-title">
      <h3 id="add-exception-title">{t('exceptions.add')}</h3>
      <div className="row">
        <label>
          {t('exceptions.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value === 'extra_shift' ? 'extra_shift' : 'leave')}>
            <option value="leave">{t('exceptions.leave')}</option>
            <option value="extra_shift">{t('exceptions.extra_shift')}</option>
          </select>
        </label>
        <label>
          {t('exceptions.date')}
          <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={wholeDay} onChange={(e) => setWholeDay(e.target.checked)} />
          {t('exceptions.wholeDay')}
        </label>
        {!wholeDay && (
          <>
            <label>
              {t('exceptions.start')}
              <input type="time" required value={start} onChange={(e) => setStart(e.target.value)} />
            </label>
            <label>
              {t('exceptions.end')}
              <input type="time" required value={end} onChange={(e) => setEnd(e.target.value)} />
            </label>
          </>
        )}
        <label>
          {t('exceptions.note')}
          <input maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" disabled={add.isPending}>
          {t('exceptions.save')}
        </button>
      </div>
      <ProblemMessage error={add.error} />
    </form>
  );
}
