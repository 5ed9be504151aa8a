import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TreatmentService } from './treatment-service.ts';
import { CLINIC_MANAGERS, principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import { NewTreatmentBody, toTreatment, Treatment, TreatmentListQuery, TreatmentPatchBody } from './treatment-schemas.ts';
import { IdParams } from '../http/id-params.ts';

export const treatmentRoutes: FastifyPluginAsyncZod<{ treatments: TreatmentService }> = async (app, { treatments }) => {
  const tags = ['treatments'];

  await app.register(
    guarded([...STAFF_ROLES, 'customer'], async (members) => {
      members.get(
        '/treatments',
        {
          schema: {
            tags,
            summary: "The clinic's treatment catalogue",
            querystring: TreatmentListQuery,
            response: { 200: z.array(Treatment) },
          },
        },
        async (request) => (await treatments.list(principalOf(request), request.query)).map(toTreatment),
      );
      members.get('/treatments/:id', { schema: { tags, params: IdParams, response: { 200: Treatment } } }, async (request) =>
        toTreatment(await treatments.get(principalOf(request), request.params.id)),
      );
    }),
  );

  await app.register(
    guarded(CLINIC_MANAGERS, async (managers) => {
      managers.post(
        '/treatments',
        { schema: { tags, summary: 'Add a treatment', body: NewTreatmentBody, response: { 201: Treatment } } },
        async (request, reply) =>
          reply.code(201).send(toTreatment(await treatments.create(principalOf(request), request.body, requestMeta(request)))),
      );
      managers.patch(
        '/treatments/:id',
        {
          schema: {
            tags,
            summary: 'Change a treatment (deactivate with isActive: false)',
            params: IdParams,
            body: TreatmentPatchBody,
            response: { 200: Treatment },
          },
        },
        async (request) =>
          toTreatment(await treatments.update(principalOf(request), request.params.id, request.body, requestMeta(request))),
      );
    }),
  );
};
