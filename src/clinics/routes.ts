import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClinicService } from './clinic-service.ts';
import { CLINIC_MANAGERS, STAFF_ROLES, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { pageSchema } from '../http/pagination.ts';
import { requestMeta } from '../http/request-meta.ts';
import {
  AdminClinic,
  AdminClinicDetail,
  ClinicListQuery,
  CreateClinicBody,
  CreatedClinic,
  OwnClinic,
  TierLimitsList,
  UpdateClinicBody,
  UpdateOwnClinicBody,
} from './clinic-schemas.ts';
import { IdParams } from '../http/id-params.ts';

type Deps = { clinics: ClinicService };

// Super admins only. Every clinic route here crosses clinics: the platform role, an audit entry per
// call. The plans' limits belong to no clinic.
const adminClinicRoutes = guarded<Deps>(['super_admin'], async (admin, { clinics }) => {
  const tags = ['admin: clinics'];

  admin.get(
    '/admin/clinics',
    {
      schema: {
        tags,
        summary: 'List clinics, newest first, with staff and customer counts',
        querystring: ClinicListQuery,
        response: { 200: pageSchema(AdminClinic) },
      },
    },
    async (request) => clinics.listClinics(principalOf(request), request.query, requestMeta(request)),
  );

  admin.post(
    '/admin/clinics',
    {
      schema: {
        tags,
        summary: 'Create a clinic and its owner account',
        body: CreateClinicBody,
        response: { 201: CreatedClinic },
      },
    },
    async (request, reply) => {
      const { owner, ...clinic } = request.body;
      return reply.code(201).send(await clinics.createClinicWithOwner(principalOf(request), clinic, owner, requestMeta(request)));
    },
  );

  admin.get(
    '/admin/tiers',
    {
      schema: {
        tags,
        summary: "Each plan's own limits (null: unlimited), which a clinic's overrides replace",
        response: { 200: TierLimitsList },
      },
    },
    async (request) => ({
      items: await clinics.tierLimits(principalOf(request)),
    }),
  );

  admin.get(
    '/admin/clinics/:id',
    {
      schema: {
        tags,
        summary: 'One clinic with its effective limits and usage',
        params: IdParams,
        response: { 200: AdminClinicDetail },
      },
    },
    async (request) => clinics.getClinic(principalOf(request), request.params.id, requestMeta(request)),
  );

  admin.patch(
    '/admin/clinics/:id',
    {
      schema: {
        tags,
        summary: "Change a clinic's name, tier, status, quota overrides or skin-analysis provider",
        params: IdParams,
        body: UpdateClinicBody,
        response: { 200: AdminClinicDetail },
      },
    },
    async (request) => clinics.updateClinic(principalOf(request), request.params.id, request.body, requestMeta(request)),
  );

  admin.post(
    '/admin/clinics/:id/suspend',
    {
      schema: {
        tags,
        summary: "Suspend a clinic: its users' sessions stop working and they cannot sign in",
        params: IdParams,
        response: { 200: AdminClinicDetail },
      },
    },
    async (request) => clinics.setStatus(principalOf(request), request.params.id, 'suspended', requestMeta(request)),
  );

  admin.post(
    '/admin/clinics/:id/reactivate',
    { schema: { tags, summary: 'Make a clinic active again', params: IdParams, response: { 200: AdminClinicDetail } } },
    async (request) => clinics.setStatus(principalOf(request), request.params.id, 'active', requestMeta(request)),
  );
});

const clinicManagerRoutes = guarded<Deps>(CLINIC_MANAGERS, async (managers, { clinics }) => {
  managers.patch(
    '/clinic',
    {
      schema: {
        tags: ['clinic'],
        summary: "Change the clinic's name, time zone, locale or settings",
        body: UpdateOwnClinicBody,
        response: { 200: OwnClinic },
      },
    },
    async (request) => clinics.updateOwnClinic(principalOf(request), request.body, requestMeta(request)),
  );
});

// The member's own clinic: its id comes from the session, never from the URL.
const memberClinicRoutes = guarded<Deps>([...STAFF_ROLES, 'customer'], async (members, { clinics }) => {
  members.get(
    '/clinic',
    {
      schema: {
        tags: ['clinic'],
        summary: "The signed-in user's clinic (customers see its public fields only)",
        response: { 200: OwnClinic },
      },
    },
    async (request) => clinics.ownClinic(principalOf(request)),
  );
  await members.register(clinicManagerRoutes, { clinics });
});

export const clinicRoutes: FastifyPluginAsyncZod<{ clinics: ClinicService }> = async (app, { clinics }) => {
  await app.register(adminClinicRoutes, { clinics });
  await app.register(memberClinicRoutes, { clinics });
};
