import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuditService } from './audit-service.ts';
import { principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import { AdminAuditLogQuery, AuditLogPage, AuditLogQuery } from './audit-schemas.ts';

type Deps = { audit: AuditService };
const tags = ['audit'];

// Owners only: the log records what the clinic's admins did, and the addresses and emails of everyone
// who signed in or failed to; the people it watches should not be the ones who read it.
const clinicAuditRoutes = guarded<Deps>(['clinic_owner'], async (owners, { audit }) => {
  owners.get(
    '/audit-logs',
    {
      schema: {
        tags,
        summary: "The clinic's audit log, newest first",
        querystring: AuditLogQuery,
        response: { 200: AuditLogPage },
      },
    },
    async (request) => audit.listForClinic(principalOf(request), request.query),
  );
});

const platformAuditRoutes = guarded<Deps>(['super_admin'], async (admin, { audit }) => {
  admin.get(
    '/admin/audit-logs',
    {
      schema: {
        tags: ['admin: audit'],
        summary: 'Audit entries of every clinic, newest first (the read is itself audited)',
        querystring: AdminAuditLogQuery,
        response: { 200: AuditLogPage },
      },
    },
    async (request) => audit.listAcrossClinics(principalOf(request), request.query, requestMeta(request)),
  );
});

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditService }> = async (app, { audit }) => {
  await app.register(clinicAuditRoutes, { audit });
  await app.register(platformAuditRoutes, { audit });
};
