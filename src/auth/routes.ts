import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { principalOf } from '../http/authenticate.ts';
import { requestMeta } from '../http/request-meta.ts';
import { toUser } from '../users/user-schemas.ts';
import {
  CsrfResponse,
  MeResponse,
  RevokedResponse,
  SecondStepBody,
  SessionResponse,
  SignInBody,
  TwoFactorRequired,
} from './auth-schemas.ts';
import { SESSION_COOKIE } from './session-token.ts';
import type { AuthService, SignedIn } from './auth-service.ts';
import { NoContent } from '../http/response-schemas.ts';

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService }> = async (app, { auth }) => {
  const tags = ['auth'];
  const setSession = (reply: FastifyReply, s: SignedIn) =>
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      path: '/',
      expires: s.expiresAt,
    });
  const respond = (s: SignedIn) => ({ user: toUser(s.user), expiresAt: s.expiresAt.toISOString() });

  app.get(
    '/auth/csrf',
    { schema: { tags, summary: 'A CSRF token to send as x-csrf-token on every write', response: { 200: CsrfResponse } } },
    async (_request, reply) => ({
      token: reply.generateCsrf(),
    }),
  );

  app.post(
    '/auth/sign-in',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password; 202 when the account also needs a two-factor code',
        body: SignInBody,
        response: { 200: SessionResponse, 202: TwoFactorRequired },
      },
    },
    async (request, reply) => {
      const outcome = await auth.signIn(request.body.email, request.body.password, requestMeta(request));
      if ('challenge' in outcome) {
        return reply.code(202).send({
          status: 'two-factor-required' as const,
          challenge: outcome.challenge,
          expiresAt: outcome.expiresAt.toISOString(),
        });
      }
      setSession(reply, outcome);
      return respond(outcome);
    },
  );

  app.post(
    '/auth/sign-in/two-factor',
    {
      schema: {
        tags,
        summary: 'Finish a two-factor sign-in with the challenge and a code (or a recovery code)',
        body: SecondStepBody,
        response: { 200: SessionResponse },
      },
    },
    async (request, reply) => {
      const signedIn = await auth.signInWithCode(request.body.challenge, request.body.code, requestMeta(request));
      setSession(reply, signedIn);
      return respond(signedIn);
    },
  );

  app.post(
    '/auth/sign-out',
    { schema: { tags, summary: 'Sign out of this session', response: { 204: NoContent } } },
    async (request, reply) => {
      if (request.principal) await auth.signOut(request.principal);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/sign-out-everywhere',
    { schema: { tags, summary: 'Revoke every session of the signed-in user', response: { 200: RevokedResponse } } },
    async (request, reply) => {
      const revokedSessions = await auth.signOutEverywhere(principalOf(request), requestMeta(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { revokedSessions };
    },
  );

  app.get(
    '/me',
    { schema: { tags, summary: 'The signed-in user and their clinic', response: { 200: MeResponse } } },
    async (request) => {
      const { user, clinic, enrolmentRequired } = await auth.me(principalOf(request));
      return { ...toUser(user), clinic, twoFactorEnrolmentRequired: enrolmentRequired };
    },
  );
};
