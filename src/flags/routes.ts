import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { STAFF_ROLES, principalOf, requireRole } from '../http/authenticate.ts';
import { requestMeta } from '../http/request-meta.ts';
import {
  AdminFeatureFlag,
  ClinicFeaturesParams,
  FeatureFlag,
  FeatureParams,
  SetFeatureBody,
  toAdminFeatureFlag,
  toFeatureFlag,
} from './flag-schemas.ts';

type Deps = { services: Services };

// Per-clinic switches are a platform decision: super admins only, each call audited.
const adminFlagRoutes: FastifyPluginAsyncZod<Deps> = async (admin, { services }) => {
  admin.addHook('preHandler', requireRole('super_admin'));
  const tags = ['admin: feature flags'];

  admin.get(
    '/admin/clinics/:id/features',
    {
      schema: {
        tags,
        summary: "A clinic's feature flags",
        params: ClinicFeaturesParams,
        response: { 200: z.array(AdminFeatureFlag) },
      },
    },
    async (request) =>
      (await services.flags.listClinicFlags(principalOf(request), request.params.id, requestMeta(request))).map(
        toAdminFeatureFlag,
      ),
  );

  admin.put(
    '/admin/clinics/:id/features/:key',
    {
      schema: {
        tags,
        summary: 'Turn a feature on or off for a clinic, for a share of its users',
        params: FeatureParams,
        body: SetFeatureBody,
        response: { 200: AdminFeatureFlag },
      },
    },
    async (request) =>
      toAdminFeatureFlag(
        await services.flags.setFlag(
          principalOf(request),
          request.params.id,
          request.params.key,
          request.body,
          requestMeta(request),
        ),
      ),
  );

  admin.delete(
    '/admin/clinics/:id/features/:key',
    { schema: { tags, summary: "Remove a clinic's flag (the feature is then off)", params: FeatureParams } },
    async (request, reply) => {
      await services.flags.deleteFlag(principalOf(request), request.params.id, request.params.key, requestMeta(request));
      return reply.code(204).send();
    },
  );
};

const memberFlagRoutes: FastifyPluginAsyncZod<Deps> = async (members, { services }) => {
  members.addHook('preHandler', requireRole(...STAFF_ROLES, 'customer'));
  members.get(
    '/clinic/features',
    {
      schema: {
        tags: ['clinic'],
        summary: "The signed-in user's clinic's feature flags",
        response: { 200: z.array(FeatureFlag) },
      },
    },
    async (request) => (await services.flags.ownClinicFlags(principalOf(request))).map(toFeatureFlag),
  );
};

export const flagRoutes: FastifyPluginAsyncZod<{ config: Config; services: Services }> = async (app, { services }) => {
  await app.register(adminFlagRoutes, { services });
  await app.register(memberFlagRoutes, { services });
};
