import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService } from '../auth/auth-service.ts';
import { AppError } from '../errors/app-error.ts';

// What a session held to enrolment may still do: read who it is, turn two-factor sign-in on, leave
// (or sign in as someone else over it).
const OPEN_WHILE_ENROLLING = new Set([
  'GET /api/me',
  'GET /api/auth/csrf',
  'POST /api/auth/sign-out',
  'POST /api/auth/sign-in',
  'POST /api/auth/sign-in/two-factor',
  'GET /api/me/two-factor',
  'POST /api/me/two-factor/enrolment',
  'POST /api/me/two-factor/enrolment/confirm',
]);

/**
 * A user whose role must have two-factor sign-in (TWO_FACTOR_REQUIRED_ROLES) and has not turned it
 * on signs in to a session that can only enrol: a stolen password alone never reaches clinic data.
 * Registered after `authenticate`, which names the principal.
 */
export const twoFactorEnrolmentGuard = fp<{ auth: Pick<AuthService, 'twoFactorEnrolmentRequired'> }>(
  async (app: FastifyInstance, { auth }) => {
    app.addHook('onRequest', async (request) => {
      if (!request.principal) return;
      if (OPEN_WHILE_ENROLLING.has(`${request.method} ${request.routeOptions.url}`)) return;
      if (await auth.twoFactorEnrolmentRequired(request.principal)) throw new AppError('two-factor-enrolment-required');
    });
  },
);
