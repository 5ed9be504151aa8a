import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FlagService } from './flag-service.ts';
import { STAFF_ROLES, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import {
  AdminFeatureFlag,
  FeatureFlag,
  FeatureFlagDefault,
  FeatureParams,
  FlagDefaultParams,
  SetFeatureBody,
  SetFlagDefaultBody,
  toAdminFeatureFlag,
  toFeatureFlag,
  toFeatureFlagDefault,
} from './flag-schemas.ts';
import { NoContent } from '../http/response-schemas.ts';
import { IdParams } from '../http/id-params.ts';

type Deps = { flags: FlagService };

// Per-clinic switches are a platform decision: super admins only, each call audited.
const adminFlagRoutes = guarded<Deps>(['super_admin'], async (admin, { flags }) => {
  const tags = ['admin: feature flags'];

  admin.get(
    '/admin/features',
    {
      schema: {
        tags,
        summary: "Every flag's platform-wide state (for clinics without a flag of their own)",
        response: { 200: z.array(FeatureFlagDefault) },
      },
    },
    async (request) => (await flags.listDefaults(principalOf(request))).map(toFeatureFlagDefault),
  );

  admin.put(
    '/admin/features/:key',
    {
      schema: {
        tags,
        summary: 'Turn a feature on or off for every clinic without a flag of its own, for a share of clinics',
        params: FlagDefaultParams,
        body: SetFlagDefaultBody,
        response: { 200: FeatureFlagDefault },
      },
    },
    async (request) =>
      toFeatureFlagDefault(await flags.setDefault(principalOf(request), request.params.key, request.body, requestMeta(request))),
  );

  admin.get(
    '/admin/clinics/:id/features',
    {
      schema: {
        tags,
        summary: "A clinic's feature flags",
        params: IdParams,
        response: { 200: z.array(AdminFeatureFlag) },
      },
    },
    async (request) =>
      (await flags.listClinicFlags(principalOf(request), request.params.id, requestMeta(request))).map(toAdminFeatureFlag),
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
        await flags.setFlag(principalOf(request), request.params.id, request.params.key, request.body, requestMeta(request)),
      ),
  );

  admin.delete(
    '/admin/clinics/:id/features/:key',
    {
      schema: {
        tags,
        summary: "Remove a clinic's flag (the feature is then off)",
        params: FeatureParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await flags.deleteFlag(principalOf(request), request.params.id, request.params.key, requestMeta(request));
      return reply.code(204).send();
    },
  );
});

const memberFlagRoutes = guarded<Deps>([...STAFF_ROLES, 'customer'], async (members, { flags }) => {
  members.get(
    '/clinic/features',
    {
      schema: {
        tags: ['clinic'],
        summary: "The signed-in user's clinic's feature flags",
        response: { 200: z.array(FeatureFlag) },
      },
    },
    async (request) => (await flags.ownClinicFlags(principalOf(request))).map(toFeatureFlag),
  );
});

export const flagRoutes: FastifyPluginAsyncZod<{ flags: FlagService }> = async (app, { flags }) => {
  await app.register(adminFlagRoutes, { flags });
  await app.register(memberFlagRoutes, { flags });
};
