import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { TableHead } from '../app/TableHead.tsx';
import { useFormat } from '../i18n/format.ts';
import type { Appointment } from '../appointments/appointment-types.ts';
import { AppointmentCells } from '../appointments/AppointmentCells.tsx';
import { HEALTH_DATA_STAFF } from '../../../src/users/role-vocabulary.ts';
import { useClinicMember, type Role } from '../auth/use-me.ts';
import { DownloadDataLink } from '../data-rights/DownloadDataLink.tsx';
import { EraseCustomerPanel } from '../data-rights/EraseCustomerPanel.tsx';
import { erases } from '../data-rights/data-rights-types.ts';
import type { Customer } from './customer-types.ts';
import './customers.css';

type When = 'upcoming' | 'past';

/** One customer's record for staff: how to reach them, and their visits to come and before. */
export function CustomerPage() {
  const { id } = useParams<{ id: string }>();
  const member = useClinicMember();
  return member ? <CustomerRecord id={id} timeZone={member.clinic.timeZone} role={member.role} /> : null;
}

const seesHealthData = (role: Role) => (HEALTH_DATA_STAFF as readonly Role[]).includes(role);

function CustomerRecord({ id, timeZone, role }: { id: string; timeZone: string; role: Role }) {
  const { t } = useTranslation('customers');
  const format = useFormat(timeZone);
  // A birth date is a calendar date, not an instant: read in UTC it is the same day everywhere.
  const calendarDate = useFormat('UTC').date;
  const customer = useQuery({
    queryKey: ['customers', id],
    queryFn: ({ signal }) => api<Customer>(`/api/customers/${id}`, { signal }),
  });
  return (
    <section className="customer">
      <p>
        <Link href="/customers">← {t('title')}</Link>
      </p>
      {customer.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : customer.isError ? (
        <ProblemMessage error={customer.error} />
      ) : (
        <>
          <div className="customer-head">
            <h1>{customer.data.fullName}</h1>
            {seesHealthData(role) && (
              <div className="customer-actions">
                <Link href={`/analyses?customerId=${id}`} className="button secondary">
                  {t('analyses')}
                </Link>
                <DownloadDataLink customerId={id} />
              </div>
            )}
          </div>
          <dl className="card contact">
            <dt>{t('phone')}</dt>
            <dd>{customer.data.phone ? <a href={`tel:${customer.data.phone}`}>{customer.data.phone}</a> : '—'}</dd>
            <dt>{t('email')}</dt>
            <dd>{customer.data.email ? <a href={`mailto:${customer.data.email}`}>{customer.data.email}</a> : '—'}</dd>
            <dt>{t('dateOfBirth')}</dt>
            <dd>{customer.data.dateOfBirth ? calendarDate(`${customer.data.dateOfBirth}T00:00:00Z`) : '—'}</dd>
            <dt>{t('account')}</dt>
            <dd>{customer.data.userId ? t('hasAccount') : t('walkIn')}</dd>
            <dt>{t('since')}</dt>
            <dd>{format.date(customer.data.createdAt)}</dd>
            {customer.data.notes && (
              <>
                <dt>{t('notes')}</dt>
                <dd className="notes">{customer.data.notes}</dd>
              </>
            )}
          </dl>
          <h2>{t('upcoming')}</h2>
          <Visits customerId={id} timeZone={timeZone} when="upcoming" />
          <h2>{t('past')}</h2>
          <Visits customerId={id} timeZone={timeZone} when="past" />
          {erases(role) && <EraseCustomerPanel customerId={id} name={customer.data.fullName} timeZone={timeZone} />}
        </>
      )}
    </section>
  );
}

function Visits({ customerId, timeZone, when }: { customerId: string; timeZone: string; when: When }) {
  const { t } = useTranslation('customers');
  const format = useFormat(timeZone);
  const visits = useQuery({
    queryKey: ['customers', customerId, 'appointments', when],
    queryFn: ({ signal }) =>
      api<Appointment[]>(withQuery(`/api/customers/${customerId}/appointments`, { when, limit: 50 }), { signal }),
  });
  if (visits.isPending) return <p className="muted">{t('app:loading')}</p>;
  if (visits.isError) return <ProblemMessage error={visits.error} />;
  if (visits.data.length === 0) return <p className="muted">{when === 'upcoming' ? t('noUpcoming') : t('noPast')}</p>;
  return (
    <table className="visit-table" aria-label={when === 'upcoming' ? t('upcoming') : t('past')}>
      <TableHead
        columns={[t('when'), t('treatment'), t('staff'), t('room'), { label: t('price'), numeric: true }, t('status')]}
      />
      <tbody>
        {visits.data.map((a) => (
          <tr key={a.id}>
            <td>
              <time dateTime={a.startsAt}>{format.dateTime(a.startsAt)}</time>
            </td>
            <AppointmentCells appointment={a} format={format} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
