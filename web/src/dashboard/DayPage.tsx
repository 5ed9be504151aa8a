import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { api, ApiError, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { useFormat } from '../i18n/format.ts';
import { isOpen, staffMovesOf, type StaffMove } from '../appointments/appointment-actions.ts';
import type { Appointment } from '../appointments/appointment-types.ts';
import { AppointmentCells } from '../appointments/AppointmentCells.tsx';
import { CancelPanel } from '../appointments/CancelPanel.tsx';
import { addDays, isLocalDate, startOfLocalDay, todayIn } from '../appointments/clinic-days.ts';
import { useClinicMember } from '../auth/use-me.ts';
import { dayFigures } from './day-figures.ts';
import { dayKey, dayQuery, dayShown } from './day-query.ts';
import './dashboard.css';

const COLUMNS = 8;

// Only owners and admins of a clinic still setting up see it: its code stays out of the dashboard's chunk.
const SetupChecklist = lazy(() => import('../setup/SetupChecklist.tsx').then((m) => ({ default: m.SetupChecklist })));

/** Staff home page: the clinic's appointments of one day in clinic time, and their status moves. */
export function DayPage() {
  const member = useClinicMember();
  // Owners and admins may waive a cancellation fee; the API refuses anyone else.
  const isManager = member?.role === 'clinic_owner' || member?.role === 'clinic_admin';
  return member ? (
    <>
      {isManager && (
        <Suspense fallback={null}>
          <SetupChecklist />
        </Suspense>
      )}
      <Day timeZone={member.clinic.timeZone} canWaiveFee={isManager} />
    </>
  ) : null;
}

function Day({ timeZone, canWaiveFee }: { timeZone: string; canWaiveFee: boolean }) {
  const { t } = useTranslation('dashboard');
  const format = useFormat(timeZone);
  const [params, setParams] = useSearchParams();
  const today = todayIn(timeZone);
  const date = dayShown(params, timeZone);
  const show = (next: string) => setParams(next === today ? {} : { date: next });
  const day = useQuery({
    ...dayQuery(date, timeZone),
    // The front desk keeps this page open all day; others book and check in meanwhile.
    refetchInterval: 60_000,
  });
  return (
    <section className="day">
      <h1>{date === today ? t('today') : t('title')}</h1>
      <div className="row day-nav">
        <button type="button" className="secondary" onClick={() => show(addDays(date, -1))}>
          {t('previousDay')}
        </button>
        <label>
          {t('day')}
          <input type="date" value={date} required onChange={(e) => isLocalDate(e.target.value) && show(e.target.value)} />
        </label>
        <button type="button" className="secondary" onClick={() => show(addDays(date, 1))}>
          {t('nextDay')}
        </button>
        {date !== today && (
          <button type="button" className="secondary" onClick={() => show(today)}>
            {t('backToToday')}
          </button>
        )}
        <Link href={withQuery('/dashboard/book', { date })} className="button">
          {t('newBooking')}
        </Link>
      </div>
      <h2 className="day-date">{format.date(startOfLocalDay(date, timeZone).toISOString())}</h2>
      {day.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : day.isError ? (
        <ProblemMessage error={day.error} />
      ) : (
        <>
          <Figures rows={day.data} />
          {day.data.length === 0 ? (
            <p className="muted">{t('empty')}</p>
          ) : (
            <table className="day-table">
              <TableHead
                columns={[
                  t('time'),
                  t('customer'),
                  t('treatment'),
                  t('staff'),
                  t('room'),
                  { label: t('price'), numeric: true },
                  t('status'),
                  t('actions'),
                ]}
              />
              <tbody>
                {day.data.map((a) => (
                  <DayRow key={a.id} appointment={a} date={date} timeZone={timeZone} canWaiveFee={canWaiveFee} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function Figures({ rows }: { rows: Appointment[] }) {
  const { t } = useTranslation('dashboard');
  const format = useFormat();
  const figures = dayFigures(rows);
  const items: [string, string][] = [
    [t('figures.appointments'), format.number(figures.appointments)],
    [t('figures.completed'), format.number(figures.completed)],
    [t('figures.noShows'), format.number(figures.noShows)],
    [t('figures.cancelled'), format.number(figures.cancelled)],
    [t('figures.bookedRevenue'), format.money(figures.bookedRevenueSatang)],
  ];
  return (
    <dl className="figures" aria-label={t('figures.label')}>
      {items.map(([label, value]) => (
        <div key={label} className="card figure">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const MOVE_LABEL: Record<StaffMove, string> = {
  confirmed: 'move.confirm',
  in_progress: 'move.start',
  completed: 'move.complete',
  no_show: 'move.noShow',
};

function DayRow({
  appointment: a,
  date,
  timeZone,
  canWaiveFee,
}: {
  appointment: Appointment;
  date: string;
  timeZone: string;
  canWaiveFee: boolean;
}) {
  const { t } = useTranslation('dashboard');
  const format = useFormat(timeZone);
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  // Replace the row in the day's list at once; the next refresh confirms it.
  const replace = (changed: Appointment) =>
    queryClient.setQueryData<Appointment[]>(dayKey(date), (rows) => rows?.map((r) => (r.id === changed.id ? changed : r)));
  const move = useMutation({
    mutationFn: (status: StaffMove) => api<Appointment>(`/api/appointments/${a.id}/status`, { method: 'POST', body: { status } }),
    onSuccess: replace,
    // Someone else moved it first: show the list as it now is.
    onError: (error) => {
      if (error instanceof ApiError && (error.code === 'invalid-transition' || error.code === 'not-found'))
        void queryClient.invalidateQueries({ queryKey: dayKey(date) });
    },
  });
  return (
    <Fragment>
      <tr className={`status-row-${a.status}`}>
        <td>
          <time dateTime={a.startsAt}>{format.time(a.startsAt)}</time>–<time dateTime={a.endsAt}>{format.time(a.endsAt)}</time>
        </td>
        <td>
          <Link href={`/customers/${a.customer.id}`}>{a.customer.fullName}</Link>
          {a.customer.phone && <div className="muted small">{a.customer.phone}</div>}
        </td>
        <AppointmentCells appointment={a} format={format} />
        <td>
          <div className="actions">
            {staffMovesOf(a, Date.now()).map((status) => (
              <button
                key={status}
                type="button"
                className={status === 'no_show' ? 'secondary' : undefined}
                disabled={move.isPending}
                onClick={() => move.mutate(status)}
              >
                {t(MOVE_LABEL[status])}
              </button>
            ))}
            {isOpen(a) && (
              <button type="button" className="secondary" aria-expanded={cancelling} onClick={() => setCancelling(!cancelling)}>
                {t('move.cancel')}
              </button>
            )}
          </div>
          <ProblemMessage error={move.error} />
        </td>
      </tr>
      {cancelling && (
        <tr className="cancel-row">
          <td colSpan={COLUMNS}>
            <CancelPanel
              appointment={a}
              canWaiveFee={canWaiveFee}
              onCancelled={(cancelled) => {
                setCancelling(false);
                replace(cancelled);
              }}
              onClose={() => setCancelling(false)}
            />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
