import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { principalOf, requireRole } from '../http/authenticate.ts';
import { requestMeta } from '../http/request-meta.ts';
import { AdminAuditLogQuery, AuditLogPage, AuditLogQuery } from './audit-schemas.ts';

type Deps = { services: Services };
const tags = ['audit'];

// Owners only: the log records what the clinic's admins did, and the addresses and emails of everyone
// who signed in or failed to; the people it watches should not be the ones who read it.
const clinicAuditRoutes: FastifyPluginAsyncZod<Deps> = async (owners, { services }) => {
  owners.addHook('preHandler', requireRole('clinic_owner'));
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
    async (request) => services.audit.listForClinic(principalOf(request), request.query),
  );
};

const platformAuditRoutes: FastifyPluginAsyncZod<Deps> = async (admin, { services }) => {
  admin.addHook('preHandler', requireRole('super_admin'));
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
    async (request) => services.audit.listAcrossClinics(principalOf(request), request.query, requestMeta(request)),
  );
};

export const auditRoutes: FastifyPluginAsyncZod<{ config: Config; services: Services }> = async (app, { services }) => {
  await app.register(clinicAuditRoutes, { services });
  await app.register(platformAuditRoutes, { services });
};
