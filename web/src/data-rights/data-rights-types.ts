import type { z } from 'zod';
import { CLINIC_MANAGERS } from '../../../src/users/role-vocabulary.ts';
import type { Role } from '../auth/use-me.ts';
import type {
  ErasureRequestList as ErasureRequestListSchema,
  OwnErasureRequest as OwnErasureRequestSchema,
} from '../../../src/data-rights/erasure-schemas.ts';

export type ErasureRequestList = z.output<typeof ErasureRequestListSchema>;
export type OwnErasureRequest = z.output<typeof OwnErasureRequestSchema>;

export const ERASURE_REQUESTS_KEY = ['erasure-requests'] as const;
export const OWN_ERASURE_REQUEST_KEY = ['erasure-requests', 'mine'] as const;

/** Erasing a customer is for the clinic's managers, as the API's guard says. */
export const erases = (role: Role) => (CLINIC_MANAGERS as readonly Role[]).includes(role);
