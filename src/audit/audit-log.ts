import type { TenantScope, Tx } from '../db/tenant-transaction.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  clinicId: string | null;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/**
 * The one writer of audit entries. It takes the caller's transaction, so the entry and the change it
 * records commit together or not at all.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry, meta: RequestMeta): Promise<void> {
  await tx.query(
    `INSERT INTO audit_logs (clinic_id, actor_user_id, actor_role, action, target_type, target_id, ip, user_agent, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.clinicId,
      entry.actorUserId,
      entry.actorRole,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      meta.ip,
      meta.userAgent?.slice(0, 512) ?? null,
      entry.metadata ?? {},
    ],
  );
}

/** An entry for what a signed-in user did: who acted (user and role) comes from the actor. */
export function recordAuditBy(
  tx: Tx,
  actor: Pick<TenantScope, 'userId' | 'role'>,
  entry: Omit<AuditEntry, 'actorUserId' | 'actorRole'>,
  meta: RequestMeta,
): Promise<void> {
  return recordAudit(tx, { ...entry, actorUserId: actor.userId, actorRole: actor.role }, meta);
}
