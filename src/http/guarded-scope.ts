import type { FastifyPluginOptions } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Role } from '../users/role-vocabulary.ts';
import { requireRole } from './authenticate.ts';

/**
 * An encapsulated scope whose every route admits only `roles`: the guard lives on the scope, not in
 * handlers. It runs on request, before the body is parsed and validated, so a caller without the role
 * gets 403 whatever it sends, and an invalid body never tells it what the route would accept.
 */
export function guarded<Options extends FastifyPluginOptions = Record<never, never>>(
  roles: readonly Role[],
  routes: FastifyPluginAsyncZod<Options>,
): FastifyPluginAsyncZod<Options> {
  return async (scope, options) => {
    scope.addHook('onRequest', requireRole(...roles));
    await routes(scope, options);
  };
}
