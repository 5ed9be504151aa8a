import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../http/authenticate.ts';
import { requestMeta } from '../http/request-meta.ts';
import { NoContent } from '../http/response-schemas.ts';
import { CheckYourEmail, SignUpBody, VerifyEmailBody } from './auth-schemas.ts';
import type { SignUpService } from './sign-up-service.ts';

const CHECK_YOUR_EMAIL = { status: 'check-your-email' } as const;

export const signUpRoutes: FastifyPluginAsyncZod<{ signUp: SignUpService }> = async (app, { signUp }) => {
  const tags = ['auth'];

  app.post(
    '/auth/sign-up',
    {
      schema: {
        tags,
        summary:
          'Create a customer account in a clinic; answers 202 and emails a verification link (or, for an address already registered, a note to its owner)',
        body: SignUpBody,
        response: { 202: CheckYourEmail },
      },
    },
    async (request, reply) => {
      await signUp.signUp(request.body, requestMeta(request));
      return reply.code(202).send(CHECK_YOUR_EMAIL);
    },
  );

  app.post(
    '/auth/verify-email',
    {
      schema: {
        tags,
        summary: 'Verify an email address with the token from the emailed link',
        body: VerifyEmailBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await signUp.verifyEmail(request.body.token, requestMeta(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/verify-email/resend',
    {
      schema: {
        tags,
        summary: "Email a new verification link to the signed-in user's unverified address",
        response: { 202: CheckYourEmail },
      },
    },
    async (request, reply) => {
      await signUp.resendVerification(principalOf(request));
      return reply.code(202).send(CHECK_YOUR_EMAIL);
    },
  );
};
