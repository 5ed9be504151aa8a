import type { z } from 'zod';
import type { Customer as CustomerSchema, CustomerPage as CustomerPageSchema } from '../../../src/customers/customer-schemas.ts';

export type Customer = z.output<typeof CustomerSchema>;
export type CustomerPage = z.output<typeof CustomerPageSchema>;
