import { z } from 'zod';
import { PageQuery, pageSchema } from '../http/pagination.ts';
import type { AuditLogRow } from './audit-repo.ts';

const Instant = z.iso.datetime({ offset: true });

export const AuditLogQuery = PageQuery.extend({
  action: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z0-9_.]*$/, 'an action such as auth.sign_in, or a prefix ending in a dot such as auth.')
    .optional()
    .meta({ description: 'An exact action (auth.sign_in), or every action under a prefix when it ends with a dot (auth.).' }),
  actorUserId: z.uuid().optional(),
  since: Instant.optional().meta({
    description: 'Oldest entry to include; defaults to 90 days before `until`. At most 366 days before `until`.',
  }),
  until: Instant.optional().meta({ description: 'Newest entry to include (exclusive); defaults to now.' }),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;

export const AdminAuditLogQuery = AuditLogQuery.extend({ clinicId: z.uuid().optional() });
export type AdminAuditLogQuery = z.infer<typeof AdminAuditLogQuery>;

export const AuditLogEntry = z
  .object({
    id: z.string(),
    createdAt: z.iso.datetime(),
    clinicId: z.uuid().nullable(),
    actorUserId: z.uuid().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditLogEntry' });

export const AuditLogPage = pageSchema(AuditLogEntry);

export function toAuditLogEntry(row: AuditLogRow): z.infer<typeof AuditLogEntry> {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    clinicId: row.clinic_id,
    actorUserId: row.actor_user_id,
    actorRole: row.actor_role,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    userAgent: row.user_agent,
    metadata: row.metadata,
  };
}
