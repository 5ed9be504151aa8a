import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { isMigrated } from '../db/migrate.ts';
import { AppError } from '../errors/app-error.ts';
import { sendProblem } from './problem-handler.ts';

export async function healthRoutes(app: FastifyInstance, { db }: { db: Database }): Promise<void> {
  // Liveness: the process answers. It must not depend on the database, or a database blip
  // would make an orchestrator restart every API node at once.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  // Readiness: the application role can query and every migration is applied.
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await db.app.query('SELECT 1');
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
