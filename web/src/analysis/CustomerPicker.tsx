import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

export interface CustomerMatch {
  id: string;
  fullName: string;
  phone: string | null;
  email: string | null;
}

/**
 * Staff find a customer by name, phone or email: by default to start an analysis for them, or,
 * given `onChoose`, for whatever the page does with the customer (a booking).
 */
export function CustomerPicker({ onChoose }: { onChoose?: (customer: CustomerMatch) => void } = {}) {
  const { t } = useTranslation('analysis');
  const [q, setQ] = useState('');
  const search = useDeferredValue(q.trim());
  const customers = useQuery({
    queryKey: ['analyses', 'customer-search', search],
    queryFn: ({ signal }) => api<{ items: CustomerMatch[] }>(withQuery('/api/customers', { q: search, limit: 10 }), { signal }),
  });
  return (
    <section className="card" aria-labelledby="customer-picker-title">
      <h2 id="customer-picker-title">{t('new.chooseCustomer')}</h2>
      <label>
        {t('new.searchCustomer')}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <ProblemMessage error={customers.error} />
      <ul className="customer-matches">
        {customers.data?.items.map((c) => (
          <li key={c.id}>
            {onChoose ? (
              <button type="button" className="secondary" onClick={() => onChoose(c)}>
                {c.fullName}
              </button>
            ) : (
              <Link href={withQuery('/analyses/new', { customerId: c.id })}>{c.fullName}</Link>
            )}
            <span className="muted"> {[c.phone, c.email].filter(Boolean).join(' · ')}</span>
          </li>
        ))}
      </ul>
      {customers.data?.items.length === 0 && <p className="muted">{t('new.noCustomers')}</p>}
    </section>
  );
}
