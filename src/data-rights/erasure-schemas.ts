import { z } from 'zod';

export const OwnErasureRequest = z
  .object({
    requestedAt: z.iso.datetime().nullable().describe('When the customer asked to be forgotten; null when they have not'),
  })
  .meta({ id: 'OwnErasureRequest' });

export const ErasureRequest = z
  .object({
    customerId: z.uuid(),
    customerName: z.string(),
    requestedAt: z.iso.datetime(),
  })
  .meta({ id: 'ErasureRequest' });

export const ErasureRequestList = z.object({ items: z.array(ErasureRequest) });
