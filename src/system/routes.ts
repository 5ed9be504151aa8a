import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import type { SystemService } from './system-service.ts';
import { SystemHealth } from './system-schemas.ts';

// The platform's processes and queues: operators' figures, super admins only.
export const systemRoutes: FastifyPluginAsyncZod<{ system: SystemService }> = async (app, { system }) => {
  await app.register(
    guarded(['super_admin'], async (admin) => {
      admin.get(
        '/admin/system',
        {
          schema: {
            tags: ['admin: system'],
            summary:
              "The platform's live health: every API and worker process, request rate, errors and latency, pools, queues and analyses",
            response: { 200: SystemHealth },
          },
        },
        async (request, reply) => {
          reply.header('cache-control', 'no-store');
          return system.health(principalOf(request));
        },
      );
    }),
  );
};
