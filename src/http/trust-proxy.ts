import type { Config } from '../config.ts';

/**
 * TRUST_PROXY as Fastify takes it. Fastify 5.12 ignores a numeric trustProxy (it cannot check the
 * peer), so a hop count becomes a function: believe the socket and the next hops - 1 forwarded
 * entries, counted from the right; what a client wrote further left is never read.
 */
export function fastifyTrustProxy(
  setting: Config['TRUST_PROXY'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}
