import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { api, withQuery } from '../api/client.ts';
import { useKeysetPages } from '../api/keyset-pages.ts';
import { LoadMore } from '../app/LoadMore.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useClinicMember } from '../auth/use-me.ts';
import { ErasureRequestsPanel } from '../data-rights/ErasureRequestsPanel.tsx';
import { erases } from '../data-rights/data-rights-types.ts';
import type { CustomerPage } from './customer-types.ts';
import { useDebouncedValue } from './use-debounced-value.ts';
import './customers.css';

const PAGE_SIZE = 25;
const SEARCH_PAUSE_MS = 300;

/** Staff find a customer by part of a name, phone number or email; newest records first. */
export function CustomersPage() {
  const member = useClinicMember();
  return member ? <CustomerSearch timeZone={member.clinic.timeZone} managing={erases(member.role)} /> : null;
}

function CustomerSearch({ timeZone, managing }: { timeZone: string; managing: boolean }) {
  const { t } = useTranslation('customers');
  const format = useFormat(timeZone);
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() => params.get('q') ?? '');
  const q = useDebouncedValue(text.trim(), SEARCH_PAUSE_MS);
  // The search stays in the address, so coming back from a customer shows the same list.
  useEffect(() => {
    if ((params.get('q') ?? '') !== q) setParams(q ? { q } : {}, { replace: true });
  }, [q, params, setParams]);
  const customers = useKeysetPages(['customers', 'search', q], (cursor, signal) =>
    api<CustomerPage>(withQuery('/api/customers', { q, limit: PAGE_SIZE, cursor }), { signal }),
  );
  const rows = customers.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="customers">
      <h1>{t('title')}</h1>
      {managing && <ErasureRequestsPanel timeZone={timeZone} />}
      <label className="search">
        {t('search')}
        <input
          type="search"
          value={text}
          maxLength={100}
          placeholder={t('searchHint')}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {customers.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : customers.isError ? (
        <ProblemMessage error={customers.error} />
      ) : rows.length === 0 ? (
        <p className="muted">{q ? t('noMatches', { q }) : t('none')}</p>
      ) : (
        <>
          <table className="customer-table" aria-busy={customers.isFetching}>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('phone')}</th>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('since')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/customers/${c.id}`}>{c.fullName}</Link>
                  </td>
                  <td>{c.phone ?? '—'}</td>
                  <td>{c.email ?? '—'}</td>
                  <td>{format.date(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted" role="status">
            {t('shown', { count: rows.length })}
          </p>
          <LoadMore pages={customers} />
        </>
      )}
    </section>
  );
}
