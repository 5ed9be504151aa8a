import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../audit/audit-log.ts';

export function requestMeta(request: FastifyRequest): RequestMeta & { ip: string } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}
