import type { Readable } from 'node:stream';
import { z } from 'zod';

/** The response of a route that answers 204 with an empty body (the type provider documents it as no content). */
export const NoContent = z.undefined().describe('No content');

// Streamed from storage as it is, never serialised: the schema only documents it.
const Binary = z.custom<Readable | Buffer>().meta({ type: 'string', format: 'binary' });

/** A file sent as it is stored (an image), documented per content type. */
export const binaryResponse = (description: string, contentTypes: readonly string[]) => ({
  description,
  content: Object.fromEntries(contentTypes.map((type) => [type, { schema: Binary }])),
});

/** A Server-Sent Events stream: named events of JSON data, one per `data:` line. */
export const eventStreamResponse = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: z.string() } },
});
