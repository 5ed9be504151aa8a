import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A weak ETag on every successful JSON answer to a GET, and 304 with no body when the browser's copy
 * still matches: the dashboard asks for the same clinic, catalogue and calendar again and again.
 * `private, no-cache` lets only the browser keep it, and makes it ask every time. Answers that set
 * their own Cache-Control (photos are no-store, streams no-cache) are left alone.
 */
export const etags = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (reply.hasHeader('cache-control') || !String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (!matches(request.headers['if-none-match'], etag)) return payload;
    reply.code(304).removeHeader('content-type');
    return '';
  });
});

// Weak comparison (RFC 9110 §13.1.2): W/ prefixes do not count, and `*` matches any current answer.
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.slice(2);
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === opaque || t.replace(/^W\//, '') === opaque;
  });
}
