import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { isOpen } from './appointment-actions.ts';
import { MY_APPOINTMENTS_KEY } from './appointment-queries.ts';
import type { Appointment } from './appointment-types.ts';
import { CancelPanel } from './CancelPanel.tsx';
import { ReschedulePanel } from './ReschedulePanel.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { useTreatmentName } from './treatment-name.ts';
import { useClinicMember } from '../auth/use-me.ts';
import './appointments.css';

type When = 'upcoming' | 'past';

const useMine = (when: When) =>
  useQuery({
    queryKey: [...MY_APPOINTMENTS_KEY, when],
    queryFn: ({ signal }) => api<Appointment[]>(withQuery('/api/appointments/mine', { when, limit: 50 }), { signal }),
  });

/** A customer's home page: their visits to come and before, and the way to book, move or cancel. */
export function MyAppointmentsPage() {
  const { t } = useTranslation('appointments');
  const [params] = useSearchParams();
  const upcoming = useMine('upcoming');
  const past = useMine('past');
  const member = useClinicMember();
  if (!member) return null;
  const timeZone = member.clinic.timeZone;
  return (
    <section className="my-appointments">
      <div className="page-head">
        <h1>{t('myTitle')}</h1>
        <Link href="/my-appointments/book" className="button">
          {t('book')}
        </Link>
      </div>
      {params.get('booked') && (
        <p className="notice" role="status">
          {t('booked')}
        </p>
      )}
      <h2>{t('upcoming')}</h2>
      <AppointmentList query={upcoming} timeZone={timeZone} empty={t('noUpcoming')} highlight={params.get('booked')} />
      <h2>{t('past')}</h2>
      <AppointmentList query={past} timeZone={timeZone} empty={t('noPast')} highlight={null} />
    </section>
  );
}

function AppointmentList({
  query,
  timeZone,
  empty,
  highlight,
}: {
  query: ReturnType<typeof useMine>;
  timeZone: string;
  empty: string;
  highlight: string | null;
}) {
  const { t } = useTranslation('appointments');
  if (query.isPending) return <p className="muted">{t('app:loading')}</p>;
  if (query.isError) return <ProblemMessage error={query.error} />;
  if (query.data.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="appointment-list">
      {query.data.map((a) => (
        <AppointmentCard key={a.id} appointment={a} timeZone={timeZone} highlighted={a.id === highlight} />
      ))}
    </ul>
  );
}

function AppointmentCard({
  appointment: a,
  timeZone,
  highlighted,
}: {
  appointment: Appointment;
  timeZone: string;
  highlighted: boolean;
}) {
  const { t } = useTranslation('appointments');
  const format = useFormat(timeZone);
  const nameOf = useTreatmentName();
  const queryClient = useQueryClient();
  const [panel, setPanel] = useState<'reschedule' | 'cancel' | null>(null);
  const changed = async () => {
    setPanel(null);
    await queryClient.invalidateQueries({ queryKey: MY_APPOINTMENTS_KEY });
  };
  const title = nameOf(a.treatment.name);
  return (
    <li className={`card appointment${highlighted ? ' highlighted' : ''}`} aria-label={title}>
      <div className="appointment-head">
        <h3>{title}</h3>
        <StatusBadge status={a.status} />
      </div>
      <dl className="facts">
        <dt>{t('when')}</dt>
        <dd>
          <time dateTime={a.startsAt}>{format.dateTime(a.startsAt)}</time>–
          <time dateTime={a.endsAt}>{format.time(a.endsAt)}</time>
        </dd>
        <dt>{t('with')}</dt>
        <dd>{a.staff.fullName}</dd>
        {a.room && (
          <>
            <dt>{t('room')}</dt>
            <dd>{a.room.name}</dd>
          </>
        )}
        <dt>{t('price')}</dt>
        <dd>{format.money(a.priceSatang)}</dd>
        {a.cancellationFeeSatang !== null && a.cancellationFeeSatang > 0 && (
          <>
            <dt>{t('cancellationFee')}</dt>
            <dd>{format.money(a.cancellationFeeSatang)}</dd>
          </>
        )}
      </dl>
      {isOpen(a) && (
        <div className="row">
          <button
            type="button"
            className="secondary"
            aria-expanded={panel === 'reschedule'}
            onClick={() => setPanel(panel === 'reschedule' ? null : 'reschedule')}
          >
            {t('reschedule')}
          </button>
          <button
            type="button"
            className="secondary"
            aria-expanded={panel === 'cancel'}
            onClick={() => setPanel(panel === 'cancel' ? null : 'cancel')}
          >
            {t('cancel')}
          </button>
        </div>
      )}
      {panel === 'reschedule' && (
        <ReschedulePanel appointment={a} timeZone={timeZone} onMoved={changed} onClose={() => setPanel(null)} />
      )}
      {panel === 'cancel' && (
        <CancelPanel appointment={a} canWaiveFee={false} onCancelled={changed} onClose={() => setPanel(null)} />
      )}
    </li>
  );
}
