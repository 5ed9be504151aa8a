import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CLINIC_MANAGERS, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { IdParams } from '../http/id-params.ts';
import { requestMeta } from '../http/request-meta.ts';
import { NoContent } from '../http/response-schemas.ts';
import type { InvitationService } from './invitation-service.ts';
import {
  AcceptInvitationBody,
  Invitation,
  InvitationListQuery,
  InvitationPage,
  InviteStaffBody,
  toInvitation,
} from './invitation-schemas.ts';

const tags = ['staff'];

export const invitationRoutes = guarded<{ invitations: InvitationService }>(CLINIC_MANAGERS, async (app, { invitations }) => {
  app.get(
    '/staff/invitations',
    {
      schema: {
        tags,
        summary: 'Invitations not accepted yet, newest first',
        querystring: InvitationListQuery,
        response: { 200: InvitationPage },
      },
    },
    async (request) => {
      const page = await invitations.list(principalOf(request), request.query);
      return { items: page.items.map(toInvitation), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/staff/invitations',
    {
      schema: {
        tags,
        summary: "Invite a staff member by email, within the plan's user limit; the invitation takes a seat until revoked",
        body: InviteStaffBody,
        response: { 201: Invitation },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toInvitation(await invitations.invite(principalOf(request), request.body, requestMeta(request)))),
  );

  app.post(
    '/staff/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Email a new invitation link; the earlier ones stop working',
        params: IdParams,
        response: { 200: Invitation },
      },
    },
    async (request) => toInvitation(await invitations.resend(principalOf(request), request.params.id, requestMeta(request))),
  );

  app.delete(
    '/staff/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an invitation: its link stops working and the invited account is disabled',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await invitations.revoke(principalOf(request), request.params.id, requestMeta(request));
      return reply.code(204).send();
    },
  );
});

/** Whoever holds the emailed link is not signed in: this route is open, and the token is the proof. */
export const acceptInvitationRoutes: FastifyPluginAsyncZod<{ invitations: InvitationService }> = async (app, { invitations }) => {
  app.post(
    '/auth/invitations/accept',
    {
      schema: {
        tags: ['auth'],
        summary: 'Accept a staff invitation with the token from its link and choose a password; then sign in',
        body: AcceptInvitationBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await invitations.accept(request.body.token, request.body.password, requestMeta(request));
      return reply.code(204).send();
    },
  );
};
