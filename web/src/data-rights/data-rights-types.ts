import type { z } from 'zod';
import type {
  ErasureRequestList as ErasureRequestListSchema,
  OwnErasureRequest as OwnErasureRequestSchema,
} from '../../../src/data-rights/erasure-schemas.ts';

export type ErasureRequestList = z.output<typeof ErasureRequestListSchema>;
export type OwnErasureRequest = z.output<typeof OwnErasureRequestSchema>;

export const ERASURE_REQUESTS_KEY = ['erasure-requests'] as const;
export const OWN_ERASURE_REQUEST_KEY = ['erasure-requests', 'mine'] as const;
