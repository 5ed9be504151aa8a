import type pg from 'pg';
import { unsafeWithPlatformAccess, withTenant, type Actor } from '../db/tenant-transaction.ts';
import { forbidden, invalid } from '../errors/app-error.ts';
import { decodeCursor, pageByCreation } from '../http/pagination.ts';
import { recordAudit, type RequestMeta } from './audit-log.ts';
import { listAuditLogs, type AuditLogFilter } from './audit-repo.ts';
import { toAuditLogEntry, type AdminAuditLogQuery, type AuditLogQuery } from './audit-schemas.ts';

const DAY_MS = 24 * 3600_000;
const DEFAULT_WINDOW_MS = 90 * DAY_MS;
// A year and a day: enough for any yearly review, and never a scan of every month ever kept.
const MAX_WINDOW_MS = 366 * DAY_MS;

export function createAuditService(pool: pg.Pool) {
  return {
    /** The audit trail of the caller's own clinic, newest first. */
    async listForClinic(actor: Actor, query: AuditLogQuery) {
      if (!actor.clinicId) throw forbidden('Only members of a clinic have a clinic audit log.');
      const filter = filterOf(query, actor.clinicId);
      const rows = await withTenant(pool, actor, (tx) => listAuditLogs(tx, filter), { readOnly: true });
      return pageByCreation(rows, query.limit, toAuditLogEntry);
    },

    /**
     * Every clinic's entries, for super admins. The read itself is recorded, under the clinic it was
     * about when there was one, so that clinic's owner sees that the platform looked.
     */
    async listAcrossClinics(actor: Actor, query: AdminAuditLogQuery, meta: RequestMeta) {
      const filter = filterOf(query, query.clinicId);
      const rows = await unsafeWithPlatformAccess(pool, actor, async (tx) => {
        const found = await listAuditLogs(tx, filter);
        await recordAudit(
          tx,
          {
            clinicId: query.clinicId ?? null,
            actorUserId: actor.userId,
            actorRole: actor.role,
            action: 'audit.platform_read',
            targetType: query.clinicId ? 'clinic' : undefined,
            targetId: query.clinicId,
            metadata: {
              action: query.action ?? null,
              actorUserId: query.actorUserId ?? null,
              since: filter.since,
              until: filter.until,
            },
          },
          meta,
        );
        return found;
      });
      return pageByCreation(rows, query.limit, toAuditLogEntry);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

function filterOf(query: AuditLogQuery, clinicId: string | undefined): AuditLogFilter {
  const until = query.until ? new Date(query.until) : new Date();
  const since = query.since ? new Date(query.since) : new Date(until.getTime() - DEFAULT_WINDOW_MS);
  if (since >= until)
    throw invalid('`since` must be before `until`.', [{ path: 'querystring.since', message: 'must be before until' }]);
  if (until.getTime() - since.getTime() > MAX_WINDOW_MS) {
    throw invalid('Ask for at most 366 days at a time.', [
      { path: 'querystring.since', message: 'at most 366 days before until' },
    ]);
  }
  const after = decodeCursor(query.cursor);
  if (after && !/^\d{1,19}$/.test(after.id))
    throw invalid('The cursor is not valid; start again without it.', [
      { path: 'querystring.cursor', message: 'invalid cursor' },
    ]);
  return {
    clinicId,
    action: query.action,
    actionIsPrefix: query.action?.endsWith('.') ?? false,
    actorUserId: query.actorUserId,
    since,
    until,
    after,
    limit: query.limit + 1,
  };
}
