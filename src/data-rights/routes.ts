import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CLINIC_MANAGERS, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { IdParams } from '../http/id-params.ts';
import { requestMeta } from '../http/request-meta.ts';
import { NoContent } from '../http/response-schemas.ts';
import type { ErasureService } from './erasure-service.ts';
import { ErasureRequestList, OwnErasureRequest } from './erasure-schemas.ts';

type Deps = { erasure: ErasureService };
const tags = ['data rights'];

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

const customerRoutes = guarded<Deps>(['customer'], async (own, { erasure }) => {
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

export const dataRightsRoutes: FastifyPluginAsyncZod<Deps> = async (app, { erasure }) => {
  await app.register(managerRoutes, { erasure });
  await app.register(customerRoutes, { erasure });
};
