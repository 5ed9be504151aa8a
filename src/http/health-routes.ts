import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { isMigrated } from '../db/migrate.ts';
import { AppError, Overloaded } from '../errors/app-error.ts';
import { sendProblem } from './problem-handler.ts';

// These routes sit outside the zod scope (see app.ts), so their responses are plain JSON Schema.
const Status = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } as const;
const PoolFigures = {
  type: 'object',
  properties: {
    pool: { type: 'string' },
    total: { type: 'integer' },
    idle: { type: 'integer' },
    waiting: { type: 'integer' },
  },
  required: ['pool', 'total', 'idle', 'waiting'],
} as const;
const Ready = {
  type: 'object',
  properties: { status: { type: 'string' }, pools: { type: 'array', items: PoolFigures } },
  required: ['status', 'pools'],
} as const;

export async function healthRoutes(app: FastifyInstance, { db }: { db: Database }): Promise<void> {
  // Liveness: the process answers. It must not depend on the database, or a database blip
  // would make an orchestrator restart every API node at once.
  app.get('/healthz', { schema: { hide: true, response: { 200: Status } } }, async () => ({ status: 'ok' }));

  // Readiness: the application role can query and every migration is applied.
  app.get('/readyz', { schema: { hide: true, response: { 200: Ready } } }, async (request, reply) => {
    try {
      await db.app.query('SELECT 1').catch((error: unknown) => {
        // A pool busy enough to shed requests is a pool whose connections all work: this node is up and
        // answering (with 503 overloaded), and taking it out of the balancer would move its load to others.
        if (!(error instanceof Overloaded)) throw error;
      });
      if (!(await isMigrated(db.owner))) {
        return sendProblem(reply, request, new AppError('service-unavailable', 'Database migrations are pending.'));
      }
      return { status: 'ready', pools: db.poolStats() };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return sendProblem(reply, request, new AppError('service-unavailable', 'The database is not reachable.'));
    }
  });
}
