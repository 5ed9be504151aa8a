import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const gzipped = promisify(gzip);
// Below this a gzip header and the deflate work cost more than the bytes they save.
const COMPRESS_ABOVE_BYTES = 1024;

/**
 * Gzips large JSON answers for clients that accept it (a month's calendar, a staff list). Only JSON:
 * photos are already compressed and streams must not be buffered.
 */
export const jsonCompression = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' || Buffer.byteLength(payload) <= COMPRESS_ABOVE_BYTES) return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    reply.header('vary', 'accept-encoding');
    if (!acceptsGzip(request.headers['accept-encoding'])) return payload;
    reply.header('content-encoding', 'gzip').removeHeader('content-length');
    return gzipped(payload);
  });
});

/** gzip (or `*`) listed without q=0. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((entry) => {
    const [coding, ...params] = entry.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
