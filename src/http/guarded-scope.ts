import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Role } from '../users/role-vocabulary.ts';
import { requireRole } from './authenticate.ts';

/** An encapsulated scope whose every route admits only `roles`: the guard lives on the scope, not in handlers. */
export function guarded(roles: readonly Role[], routes: FastifyPluginAsyncZod): FastifyPluginAsyncZod {
  return async (scope, options) => {
    scope.addHook('preHandler', requireRole(...roles));
    await routes(scope, options);
  };
}
