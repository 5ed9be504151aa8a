import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CustomerService } from './customer-service.ts';
import { CLINIC_MANAGERS, STAFF_ROLES, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import {
  CreateCustomerBody,
  Customer,
  CustomerListQuery,
  CustomerPage,
  OwnCustomer,
  toCustomer,
  toOwnCustomer,
  UpdateCustomerBody,
  UpdateOwnCustomerBody,
} from './customer-schemas.ts';
import { NoContent } from '../http/response-schemas.ts';
import { IdParams } from '../http/id-params.ts';

type Deps = { customers: CustomerService };
const tags = ['customers'];

// Deleting a record (and disabling its account) is for managers only, on top of the staff guard.
const customerManagerRoutes = guarded<Deps>(CLINIC_MANAGERS, async (managers, { customers }) => {
  managers.delete(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Delete a customer record; a linked account is disabled and signed out',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await customers.remove(principalOf(request), request.params.id, requestMeta(request));
      return reply.code(204).send();
    },
  );
});

const staffCustomerRoutes = guarded<Deps>(STAFF_ROLES, async (staff, { customers }) => {
  staff.get(
    '/customers',
    {
      schema: {
        tags,
        summary: "The clinic's customers, newest first, optionally searched",
        querystring: CustomerListQuery,
        response: { 200: CustomerPage },
      },
    },
    async (request) => {
      const page = await customers.list(principalOf(request), request.query);
      return { items: page.items.map(toCustomer), nextCursor: page.nextCursor };
    },
  );

  staff.get(
    '/customers/:id',
    { schema: { tags, summary: 'One customer record', params: IdParams, response: { 200: Customer } } },
    async (request) => toCustomer(await customers.get(principalOf(request), request.params.id)),
  );

  staff.post(
    '/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer record without an account (a walk-in)',
        body: CreateCustomerBody,
        response: { 201: Customer },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toCustomer(await customers.create(principalOf(request), request.body, requestMeta(request)))),
  );

  staff.patch(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Change a customer record',
        params: IdParams,
        body: UpdateCustomerBody,
        response: { 200: Customer },
      },
    },
    async (request) =>
      toCustomer(await customers.update(principalOf(request), request.params.id, request.body, requestMeta(request))),
  );

  await staff.register(customerManagerRoutes, { customers });
});

// A customer's own record: its id comes from the session, never from the URL.
const ownCustomerRoutes = guarded<Deps>(['customer'], async (own, { customers }) => {
  own.get(
    '/customers/me',
    { schema: { tags, summary: "The signed-in customer's own record", response: { 200: OwnCustomer } } },
    async (request) => toOwnCustomer(await customers.getOwn(principalOf(request))),
  );

  own.patch(
    '/customers/me',
    {
      schema: {
        tags,
        summary: "Change the signed-in customer's name, phone or date of birth",
        body: UpdateOwnCustomerBody,
        response: { 200: OwnCustomer },
      },
    },
    async (request) => toOwnCustomer(await customers.updateOwn(principalOf(request), request.body, requestMeta(request))),
  );
});

export const customerRoutes: FastifyPluginAsyncZod<{ customers: CustomerService }> = async (app, { customers }) => {
  await app.register(staffCustomerRoutes, { customers });
  await app.register(ownCustomerRoutes, { customers });
};
