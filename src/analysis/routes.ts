import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import { principalOf, STAFF_ROLES } from '../http/authenticate.ts';
import { HEALTH_DATA_STAFF } from '../users/role-vocabulary.ts';
import type { EventStreams } from '../http/event-stream.ts';
import { guarded } from '../http/guarded-scope.ts';
import { pageSchema } from '../http/pagination.ts';
import { requestMeta } from '../http/request-meta.ts';
import { Locale } from '../users/user-schemas.ts';
import { multipartOptions, readUpload } from '../uploads/read-upload.ts';
import type { AnalysisEvents } from './analysis-events.ts';
import type { AnalysisService } from './analysis-service.ts';
import {
  Analysis,
  AnalysisListQuery,
  CompareQuery,
  Comparison,
  ConsentStatus,
  ConsentText,
  CustomerQuery,
  GrantConsentBody,
  ImageParams,
  ListedAnalysis,
  toAnalysis,
  TrendPoint,
  TrendQuery,
  WithdrawConsentQuery,
} from './analysis-schemas.ts';
import { isFinished, type AnalysisStatus } from './analysis-vocabulary.ts';
import { binaryResponse, eventStreamResponse, NoContent } from '../http/response-schemas.ts';
import { IdParams } from '../http/id-params.ts';

export const analysisRoutes: FastifyPluginAsyncZod<{
  config: Pick<Config, 'UPLOAD_MAX_BYTES'>;
  analyses: AnalysisService;
  events: AnalysisEvents;
  streams: EventStreams;
}> = async (app, { config, analyses, events, streams }) => {
  const tags = ['skin analysis'];
  await app.register(multipart, multipartOptions(config));

  await app.register(
    guarded([...STAFF_ROLES, 'customer'], async (members) => {
      members.get(
        '/analysis-consent/text',
        {
          schema: {
            tags,
            summary: 'The consent text to show before the first photo',
            querystring: z.object({ locale: Locale.default('th') }),
            response: { 200: ConsentText },
          },
        },
        async (request) => analyses.consentText(principalOf(request), request.query.locale),
      );
      members.get(
        '/analysis-consent',
        {
          schema: {
            tags,
            summary: "Whether the customer's consent is on record",
            querystring: CustomerQuery,
            response: { 200: ConsentStatus },
          },
        },
        async (request) => analyses.consentStatus(principalOf(request), request.query.customerId),
      );
      members.post(
        '/analysis-consent',
        {
          schema: {
            tags,
            summary: 'Record consent to processing of face images (the version shown)',
            body: GrantConsentBody,
            response: { 201: ConsentStatus },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await analyses.grantConsent(principalOf(request), request.body, requestMeta(request))),
      );
      members.delete(
        '/analysis-consent',
        {
          schema: {
            tags,
            summary: 'Withdraw consent, optionally deleting the photos already taken',
            querystring: WithdrawConsentQuery,
            response: { 204: NoContent },
          },
        },
        async (request, reply) => {
          const { customerId, deletePhotos } = request.query;
          await analyses.withdrawConsent(principalOf(request), customerId, { deletePhotos }, requestMeta(request));
          return reply.code(204).send();
        },
      );
    }),
  );

  // Results and photos are health data: the customer and the staff who treat them, not the front desk.
  await app.register(
    guarded([...HEALTH_DATA_STAFF, 'customer'], async (members) => {
      members.post(
        '/analyses',
        {
          schema: {
            tags,
            summary:
              'Upload a face photo (multipart field "photo"); answers 202 and analyses in the background. The same photo again answers with its existing analysis: 200 when finished, 202 while it runs',
            querystring: CustomerQuery,
            consumes: ['multipart/form-data'],
            response: { 200: Analysis, 202: Analysis },
          },
        },
        async (request, reply) => {
          const actor = principalOf(request);
          // Consent, rate and quota are checked before the body is read: a refused upload stores nothing.
          const readPhoto = async () => (await readUpload(request, config.UPLOAD_MAX_BYTES)).buffer;
          const { row, reused } = await analyses.upload(actor, request.query.customerId, readPhoto, requestMeta(request));
          // The same photo again answers with its analysis: 200 once finished, else 202 as a new one.
          const finished = reused && row.status === 'completed';
          return reply
            .code(finished ? 200 : 202)
            .header('location', `/api/analyses/${row.id}`)
            .send(toAnalysis(row));
        },
      );

      members.get(
        '/analyses',
        {
          schema: {
            tags,
            summary: 'Analyses, newest first (customers: their own)',
            querystring: AnalysisListQuery,
            response: { 200: pageSchema(ListedAnalysis) },
          },
        },
        async (request) => {
          const page = await analyses.list(principalOf(request), request.query, requestMeta(request));
          return {
            items: page.items.map((r) => ({ ...toAnalysis(r), customerName: r.customer_name })),
            nextCursor: page.nextCursor,
          };
        },
      );
      members.get(
        '/analyses/compare',
        {
          schema: {
            tags,
            summary: 'Two analyses of one customer side by side',
            querystring: CompareQuery,
            response: { 200: Comparison },
          },
        },
        async (request) => analyses.compare(principalOf(request), request.query.a, request.query.b, requestMeta(request)),
      );
      members.get(
        '/analyses/trend',
        {
          schema: {
            tags,
            summary: 'Scores per concern over time',
            querystring: TrendQuery,
            response: { 200: z.array(TrendPoint) },
          },
        },
        async (request) =>
          analyses.trend(principalOf(request), request.query.customerId, request.query.limit, requestMeta(request)),
      );
      members.get('/analyses/:id', { schema: { tags, params: IdParams, response: { 200: Analysis } } }, async (request) => {
        const { row, recommendations } = await analyses.get(principalOf(request), request.params.id, requestMeta(request));
        return toAnalysis(row, recommendations);
      });
      members.get(
        '/analyses/:id/images/:variant',
        {
          schema: {
            tags,
            summary: 'A photo, thumbnail or heatmap of an analysis (private)',
            params: ImageParams,
            response: {
              200: binaryResponse('The working copy (JPEG), a thumbnail (WebP) or a heatmap (PNG)', [
                'image/jpeg',
                'image/webp',
                'image/png',
              ]),
            },
          },
        },
        async (request, reply) => {
          const object = await analyses.image(
            principalOf(request),
            request.params.id,
            request.params.variant,
            requestMeta(request),
          );
          // Health data: kept in no cache at all, not even the browser's (a shared device keeps no copy).
          return reply.header('cache-control', 'no-store').type(object.contentType).send(object.body);
        },
      );

      members.get(
        '/analyses/:id/events',
        {
          schema: {
            tags,
            summary: 'Live progress as Server-Sent Events (queued → quality_check → analysing → completed | rejected | failed)',
            params: IdParams,
            response: { 200: eventStreamResponse('`progress` events, each an analysis id, status and progress (0-100)') },
          },
        },
        async (request, reply) => {
          const actor = principalOf(request);
          const id = request.params.id;
          // Subscribe before reading the current state, so no event falls between the two.
          const buffered: object[] = [];
          let send: (event: object) => void = (event) => buffered.push(event);
          // After the node's listener lost its connection, events may be missing: read the state again.
          const resync = () =>
            analyses.current(actor, id).then(
              (r) => {
                send({ id: r.id, clinicId: r.clinic_id, status: r.status, progress: r.progress });
              },
              (error: unknown) => request.log.warn({ err: error }, 'could not read the analysis again after a resync'),
            );
          const unsubscribe = events.subscribe(
            id,
            (event) => send(event),
            () => void resync(),
          );
          let row, stream;
          try {
            row = await analyses.current(actor, id);
            stream = streams.open(request, reply, { principal: actor, feed: 'analysis-progress', onClose: unsubscribe });
          } catch (error) {
            unsubscribe();
            throw error;
          }
          send = (event) => {
            stream.send('progress', event);
            if (isFinished((event as { status: AnalysisStatus }).status)) stream.close();
          };
          send({ id: row.id, clinicId: row.clinic_id, status: row.status, progress: row.progress });
          for (const event of buffered) if (!stream.closed) send(event);
        },
      );
    }),
  );
};
