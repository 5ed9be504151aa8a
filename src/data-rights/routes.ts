import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CLINIC_MANAGERS, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { IdParams } from '../http/id-params.ts';
import { requestMeta } from '../http/request-meta.ts';
import { binaryResponse, NoContent } from '../http/response-schemas.ts';
import { HEALTH_DATA_STAFF } from '../users/role-vocabulary.ts';
import type { ErasureService } from './erasure-service.ts';
import { ErasureRequestList, OwnErasureRequest } from './erasure-schemas.ts';
import type { DataExportService } from './export-service.ts';

type Deps = { erasure: ErasureService; dataExport: DataExportService };
const tags = ['data rights'];

const exportResponse = {
  200: binaryResponse(
    'A ZIP archive: data.json (profile, appointments, consents, analyses, notifications) and analyses/<id>/ images',
    ['application/zip'],
  ),
};

/** Sends the archive as a download as it is being written; health data, so no cache keeps a copy. */
async function sendExport(reply: FastifyReply, download: { filename: string; archive: Readable }) {
  return reply
    .header('content-disposition', `attachment; filename="${download.filename}"`)
    .header('cache-control', 'no-store')
    .type('application/zip')
    .send(download.archive);
}

// The export holds analyses and photos: the staff who see health data, not the front desk.
const healthDataStaffRoutes = guarded<Deps>(HEALTH_DATA_STAFF, async (staff, { dataExport }) => {
  staff.get(
    '/customers/:id/export',
    {
      schema: {
        tags,
        summary: "Download everything the clinic holds about a customer, for the customer's request of access",
        params: IdParams,
        response: exportResponse,
      },
    },
    async (request, reply) =>
      sendExport(reply, await dataExport.export(principalOf(request), request.params.id, requestMeta(request))),
  );
});

// Erasing is for the clinic's managers: it cannot be undone.
const managerRoutes = guarded<Deps>(CLINIC_MANAGERS, async (managers, { erasure }) => {
  managers.get(
    '/erasure-requests',
    {
      schema: {
        tags,
        summary: 'Customers who asked to be forgotten and are waiting for the clinic, oldest first',
        response: { 200: ErasureRequestList },
      },
    },
    async (request) => ({ items: await erasure.openRequests(principalOf(request)) }),
  );
  managers.post(
    '/customers/:id/erasure',
    {
      schema: {
        tags,
        summary:
          'Erase a customer: personal data, analyses and photos removed, appointments kept for the accounts with no link to the person, the account closed',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await erasure.erase(principalOf(request), request.params.id, requestMeta(request));
      return reply.code(204).send();
    },
  );
});

const customerRoutes = guarded<Deps>(['customer'], async (own, { erasure, dataExport }) => {
  own.get(
    '/customers/me/export',
    {
      schema: { tags, summary: 'Download everything the clinic holds about the signed-in customer', response: exportResponse },
    },
    async (request, reply) => sendExport(reply, await dataExport.export(principalOf(request), 'me', requestMeta(request))),
  );
  own.get(
    '/customers/me/erasure-request',
    { schema: { tags, summary: "The signed-in customer's request to be forgotten", response: { 200: OwnErasureRequest } } },
    async (request) => erasure.ownRequest(principalOf(request)),
  );
  own.post(
    '/customers/me/erasure-request',
    {
      schema: {
        tags,
        summary: 'Ask the clinic to erase everything it holds about the signed-in customer',
        response: { 202: OwnErasureRequest },
      },
    },
    async (request, reply) => reply.code(202).send(await erasure.request(principalOf(request), requestMeta(request))),
  );
});

export const dataRightsRoutes: FastifyPluginAsyncZod<Deps> = async (app, { erasure, dataExport }) => {
  // Only the services pass on: the options also carry the prefix, which the inner scopes must not add again.
  const deps = { erasure, dataExport };
  await app.register(managerRoutes, deps);
  await app.register(healthDataStaffRoutes, deps);
  await app.register(customerRoutes, deps);
};
