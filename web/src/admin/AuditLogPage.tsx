import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import type { AuditEntry, Page } from './admin-types.ts';
import { auditFiltersOf, auditQueryOf, FILTER_NAMES, type AuditFilters } from './audit-filters.ts';
import { AuditEntryRows } from './AuditEntryRows.tsx';
import { Field, fieldProblems } from './Field.tsx';
import { useKeysetPages } from '../api/keyset-pages.ts';
import { LoadMore } from '../app/LoadMore.tsx';
import { useSearchState } from './search-state.ts';
import './admin.css';

/** What happened on the platform, newest first: who did what to which clinic, and when. */
export function AuditLogPage() {
  const { t } = useTranslation('admin');
  const [search, update] = useSearchState();
  const filters = auditFiltersOf(search);
  const query = auditQueryOf(filters);
  const pages = useKeysetPages(['admin', 'audit-logs', query], (cursor, signal) =>
    api<Page<AuditEntry>>(withQuery('/api/admin/audit-logs', { ...query, cursor }), { signal }),
  );
  const entries = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const problems = fieldProblems(pages.error);

  return (
    <section className="admin-page">
      <h1>{t('auditLog.title')}</h1>
      {/* Keyed by the address, so a filter set from an entry shows in the form too. */}
      <AuditFilterForm key={search.toString()} filters={filters} problems={problems} onApply={update} />
      {pages.isPending && <p className="loading">{t('app:loading')}</p>}
      {pages.isError &&
        !pages.isFetchNextPageError &&
        (problems.size > 0 ? (
          <p className="problem" role="alert">
            {t('form.fixFields')}
          </p>
        ) : (
          <ProblemMessage error={pages.error} />
        ))}
      {pages.isSuccess && entries.length === 0 && <p className="muted">{t('auditLog.none')}</p>}
      {entries.length > 0 && (
        <div className="table-scroll">
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('auditLog.time')}</th>
                <th scope="col">{t('auditLog.action')}</th>
                <th scope="col">{t('auditLog.actor')}</th>
                <th scope="col">{t('auditLog.clinic')}</th>
                <th scope="col">{t('auditLog.target')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('auditLog.details')}</span>
                </th>
              </tr>
            </thead>
            {entries.map((entry) => (
              <AuditEntryRows key={entry.id} entry={entry} onNarrow={update} />
            ))}
          </table>
        </div>
      )}
      <LoadMore pages={pages} />
    </section>
  );
}

function AuditFilterForm({
  filters,
  problems,
  onApply,
}: {
  filters: AuditFilters;
  problems: Map<string, string>;
  onApply: (filters: AuditFilters) => void;
}) {
  const { t, i18n } = useTranslation('admin');
  const [draft, setDraft] = useState(filters);
  const set = (change: Partial<AuditFilters>) => setDraft({ ...draft, ...change });
  const known = Object.keys(flatten(i18n.getResource(i18n.language, 'admin', 'auditLog.actionName') ?? {}));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const clear = () => onApply(Object.fromEntries(FILTER_NAMES.map((name) => [name, ''])) as unknown as AuditFilters);
  return (
    <form className="card filters audit-filters" role="search" onSubmit={apply} noValidate>
      <div className="form-grid">
        <Field label={t('auditLog.clinicId')} problem={problems.get('querystring.clinicId')}>
          {(props) => (
            <input {...props} value={draft.clinicId} spellCheck={false} onChange={(e) => set({ clinicId: e.target.value })} />
          )}
        </Field>
        <Field label={t('auditLog.action')} hint={t('auditLog.actionHint')} problem={problems.get('querystring.action')}>
          {(props) => (
            <>
              <input
                {...props}
                list="audit-actions"
                value={draft.action}
                spellCheck={false}
                onChange={(e) => set({ action: e.target.value })}
              />
              <datalist id="audit-actions">
                {known.map((action) => (
                  <option key={action} value={action} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label={t('auditLog.actorId')} problem={problems.get('querystring.actorUserId')}>
          {(props) => (
            <input
              {...props}
              value={draft.actorUserId}
              spellCheck={false}
              onChange={(e) => set({ actorUserId: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('auditLog.from')} problem={problems.get('querystring.since')}>
          {(props) => (
            <input
              {...props}
              type="date"
              value={draft.from}
              max={draft.to || undefined}
              onChange={(e) => set({ from: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('auditLog.to')} problem={problems.get('querystring.until')}>
          {(props) => (
            <input
              {...props}
              type="date"
              value={draft.to}
              min={draft.from || undefined}
              onChange={(e) => set({ to: e.target.value })}
            />
          )}
        </Field>
      </div>
      <p className="muted">{t('auditLog.defaultPeriod')}</p>
      <div className="row">
        <button type="submit">{t('auditLog.apply')}</button>
        <button type="button" className="secondary" onClick={clear}>
          {t('auditLog.clear')}
        </button>
      </div>
    </form>
  );
}

/** 'clinic.tier_change' from { clinic: { tier_change: '…' } }. */
function flatten(tree: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null
        ? Object.entries(flatten(value as Record<string, unknown>, `${prefix}${key}.`))
        : [[`${prefix}${key}`, value]],
    ),
  );
}
