import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../http/authenticate.ts';
import { requestMeta } from '../http/request-meta.ts';
import { NoContent } from '../http/response-schemas.ts';
import { CodeBody, RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus } from './auth-schemas.ts';
import type { TwoFactorService } from './two-factor-service.ts';

export const twoFactorRoutes: FastifyPluginAsyncZod<{ twoFactor: TwoFactorService }> = async (app, { twoFactor }) => {
  const tags = ['auth'];

  app.get(
    '/me/two-factor',
    { schema: { tags, summary: 'Whether two-factor sign-in is on for the signed-in user', response: { 200: TwoFactorStatus } } },
    async (request) => twoFactor.status(principalOf(request)),
  );

  app.post(
    '/me/two-factor/enrolment',
    {
      schema: {
        tags,
        summary: 'Start turning on two-factor sign-in: a new secret for an authenticator app',
        response: { 200: TwoFactorEnrolment },
      },
    },
    async (request) => twoFactor.beginEnrolment(principalOf(request)),
  );

  app.post(
    '/me/two-factor/enrolment/confirm',
    {
      schema: {
        tags,
        summary: "Turn two-factor sign-in on with the app's first code; answers the recovery codes, once",
        body: CodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (request) => ({
      recoveryCodes: await twoFactor.confirmEnrolment(principalOf(request), request.body.code, requestMeta(request)),
    }),
  );

  app.post(
    '/me/two-factor/disable',
    {
      schema: {
        tags,
        summary: 'Turn two-factor sign-in off with a current code or a recovery code',
        body: CodeBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await twoFactor.disable(principalOf(request), request.body.code, requestMeta(request));
      return reply.code(204).send();
    },
  );
};
