import { z } from 'zod';

/** A route's `:id`: a row's uuid, so a malformed id is a 400 validation problem before any query runs. */
export const IdParams = z.object({ id: z.uuid() });
