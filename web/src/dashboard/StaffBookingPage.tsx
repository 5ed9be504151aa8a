import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'wouter';
import { withQuery } from '../api/client.ts';
import { CustomerPicker, type CustomerMatch } from '../analysis/CustomerPicker.tsx';
import { BookingForm, type BookingDetails } from '../appointments/BookingPage.tsx';
import { isStaffRole } from '../../../src/users/role-vocabulary.ts';
import { useClinicMember } from '../auth/use-me.ts';
import { dayKey, dayShown } from './day-query.ts';
import './dashboard.css';

/** Who the booking is for: still to be found, one already on file, or a new customer typed in. */
type CustomerChoice = { kind: 'search' } | { kind: 'existing'; customer: CustomerMatch } | { kind: 'new' };

// The API's phone rule, in the pattern syntax browsers check inputs with.
const PHONE_PATTERN = String.raw`\+?[0-9 \(\)\-]{6,20}`;

/** The front desk books a phone or walk-in customer, opening on the day the dashboard showed. */
export function StaffBookingPage() {
  const { t } = useTranslation('dashboard');
  const member = useClinicMember();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const [choice, setChoice] = useState<CustomerChoice>({ kind: 'search' });
  const [fullName, setFullName] = useState('');
  const [phone, setPhone] = useState('');
  const [notes, setNotes] = useState('');
  if (!member || !isStaffRole(member.role)) return null;
  const timeZone = member.clinic.timeZone;
  const shownDay = dayShown(params, timeZone);
  const withNotes = (details: BookingDetails): BookingDetails => (notes.trim() ? { ...details, notes: notes.trim() } : details);
  const details =
    choice.kind === 'existing'
      ? withNotes({ customerId: choice.customer.id })
      : choice.kind === 'new' && fullName.trim()
        ? withNotes({ newCustomer: { fullName: fullName.trim(), ...(phone.trim() && { phone: phone.trim() }) } })
        : undefined;
  return (
    <BookingForm
      timeZone={timeZone}
      title={t('book.title')}
      back={<Link href={withQuery('/dashboard', { date: params.get('date') })}>← {t('book.back')}</Link>}
      initialDate={shownDay}
      details={details}
      onBooked={async (_, day) => {
        await queryClient.invalidateQueries({ queryKey: dayKey(day) });
        navigate(withQuery('/dashboard', { date: day }));
      }}
      before={
        choice.kind === 'existing' ? (
          <section className="card" aria-labelledby="booking-customer-title">
            <h2 id="booking-customer-title">{t('book.customerTitle')}</h2>
            <p>
              {t('book.bookingFor', { name: choice.customer.fullName })}
              <span className="muted"> {[choice.customer.phone, choice.customer.email].filter(Boolean).join(' · ')}</span>
            </p>
            <button type="button" className="secondary" onClick={() => setChoice({ kind: 'search' })}>
              {t('book.changeCustomer')}
            </button>
          </section>
        ) : choice.kind === 'new' ? (
          <section className="card new-customer" aria-labelledby="booking-customer-title">
            <h2 id="booking-customer-title">{t('book.newCustomer')}</h2>
            <label>
              {t('book.fullName')}
              <input value={fullName} required maxLength={200} autoComplete="off" onChange={(e) => setFullName(e.target.value)} />
            </label>
            <label>
              {t('book.phone')}
              <input
                type="tel"
                value={phone}
                pattern={PHONE_PATTERN}
                autoComplete="off"
                onChange={(e) => setPhone(e.target.value)}
              />
            </label>
            <button type="button" className="secondary" onClick={() => setChoice({ kind: 'search' })}>
              {t('book.findCustomer')}
            </button>
          </section>
        ) : (
          <div className="new-booking-customer">
            <CustomerPicker onChoose={(customer) => setChoice({ kind: 'existing', customer })} />
            <p>
              <button type="button" className="secondary" onClick={() => setChoice({ kind: 'new' })}>
                {t('book.newCustomerInstead')}
              </button>
            </p>
          </div>
        )
      }
      after={
        <section className="card">
          <label>
            {t('book.notes')}
            <textarea value={notes} maxLength={2000} rows={3} onChange={(e) => setNotes(e.target.value)} />
          </label>
        </section>
      }
    />
  );
}
