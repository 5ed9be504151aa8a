import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useFormat } from '../i18n/format.ts';
import type { AuditEntry } from './admin-types.ts';
import type { AuditFilters } from './audit-filters.ts';

// Ids are long; the first block tells entries apart on screen and the whole id is one hover away.
const shortId = (id: string) => id.slice(0, 8);

/** One entry: its summary row and, when opened, everything it recorded. */
export function AuditEntryRows({ entry, onNarrow }: { entry: AuditEntry; onNarrow: (filters: Partial<AuditFilters>) => void }) {
  const { t, i18n } = useTranslation('admin');
  const f = useFormat();
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const actionKey = `auditLog.actionName.${entry.action}`;
  return (
    <tbody className="audit-entry">
      <tr>
        <td>
          <time dateTime={entry.createdAt}>{f.dateTime(entry.createdAt)}</time>
        </td>
        <td>
          {i18n.exists(actionKey, { ns: 'admin' }) && <span className="action-name">{t(actionKey)}</span>}
          <code>{entry.action}</code>
        </td>
        <td>
          {entry.actorUserId ? (
            <>
              <span>{t(`role.${entry.actorRole}`, { defaultValue: entry.actorRole ?? '' })}</span>{' '}
              <button
                type="button"
                className="link"
                title={entry.actorUserId}
                aria-label={t('auditLog.onlyActor', { id: entry.actorUserId })}
                onClick={() => onNarrow({ actorUserId: entry.actorUserId ?? '' })}
              >
                {shortId(entry.actorUserId)}
              </button>
            </>
          ) : (
            <span className="muted">{t('auditLog.noActor')}</span>
          )}
        </td>
        <td>
          {entry.clinicId ? (
            <>
              <Link href={`/admin/clinics/${entry.clinicId}`} title={entry.clinicId}>
                {shortId(entry.clinicId)}
              </Link>{' '}
              <button
                type="button"
                className="link"
                aria-label={t('auditLog.onlyClinic', { id: entry.clinicId })}
                onClick={() => onNarrow({ clinicId: entry.clinicId ?? '' })}
              >
                {t('auditLog.only')}
              </button>
            </>
          ) : (
            <span className="muted">{t('auditLog.platform')}</span>
          )}
        </td>
        <td>
          {entry.targetType ? (
            <>
              {entry.targetType} {entry.targetId && <span title={entry.targetId}>{shortId(entry.targetId)}</span>}
            </>
          ) : (
            '—'
          )}
        </td>
        <td>
          <button
            type="button"
            className="secondary small"
            aria-expanded={open}
            aria-controls={open ? detailsId : undefined}
            onClick={() => setOpen(!open)}
          >
            {open ? t('auditLog.hideDetails') : t('auditLog.showDetails')}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className="audit-details">
          <td colSpan={6}>
            <dl className="facts">
              <div>
                <dt>{t('auditLog.exactTime')}</dt>
                <dd>{entry.createdAt}</dd>
              </div>
              <div>
                <dt>{t('auditLog.actor')}</dt>
                <dd>{entry.actorUserId ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('auditLog.clinic')}</dt>
                <dd>{entry.clinicId ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('auditLog.target')}</dt>
                <dd>{entry.targetId ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('auditLog.ip')}</dt>
                <dd>{entry.ip ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('auditLog.userAgent')}</dt>
                <dd>{entry.userAgent ?? '—'}</dd>
              </div>
            </dl>
            <pre className="metadata" aria-label={t('auditLog.metadata')}>
              {JSON.stringify(entry.metadata, null, 2)}
            </pre>
          </td>
        </tr>
      )}
    </tbody>
  );
}
