import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../http/authenticate.ts';
import { requestMeta } from '../http/request-meta.ts';
import { NoContent } from '../http/response-schemas.ts';
import { User, toUser } from '../users/user-schemas.ts';
import {
  ChangePasswordBody,
  CheckYourEmail,
  PasswordResetBody,
  PasswordResetRequestBody,
  ProfileBody,
  RevokedResponse,
} from './auth-schemas.ts';
import type { AccountService } from './account-service.ts';
import type { PasswordResetService } from './password-reset-service.ts';

export const accountRoutes: FastifyPluginAsyncZod<{ account: AccountService; passwordReset: PasswordResetService }> = async (
  app,
  { account, passwordReset },
) => {
  const tags = ['auth'];

  app.post(
    '/auth/password-reset',
    {
      schema: {
        tags,
        summary: 'Email a password-reset link; the same 202 whether or not the address has an account',
        body: PasswordResetRequestBody,
        response: { 202: CheckYourEmail },
      },
    },
    async (request, reply) => {
      await passwordReset.requestReset(request.body.email, requestMeta(request));
      return reply.code(202).send({ status: 'check-your-email' });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        tags,
        summary: 'Set a new password with the token from the emailed link; signs the account out everywhere',
        body: PasswordResetBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await passwordReset.resetPassword(request.body.token, request.body.password, requestMeta(request));
      return reply.code(204).send();
    },
  );

  app.patch(
    '/me',
    {
      schema: {
        tags,
        summary: "Change the signed-in user's name, phone or language",
        body: ProfileBody,
        response: { 200: User },
      },
    },
    async (request) => toUser(await account.updateProfile(principalOf(request), request.body, requestMeta(request))),
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags,
        summary: 'Change the password (the current one is needed); signs out every other device',
        body: ChangePasswordBody,
        response: { 200: RevokedResponse },
      },
    },
    async (request) => ({
      revokedSessions: await account.changePassword(principalOf(request), request.body, requestMeta(request)),
    }),
  );

  app.post(
    '/auth/sign-out-others',
    {
      schema: {
        tags,
        summary: "Revoke the signed-in user's sessions on every other device; this one stays signed in",
        response: { 200: RevokedResponse },
      },
    },
    async (request) => ({
      revokedSessions: await account.signOutOtherDevices(principalOf(request), requestMeta(request)),
    }),
  );
};
