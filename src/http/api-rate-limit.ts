import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createRateLimiter } from '../cache/rate-limiter.ts';
import type { ClinicService } from '../clinics/clinic-service.ts';
import type { Config } from '../config.ts';
import { tooManyRequests } from '../errors/app-error.ts';
import { scopeOf } from './authenticate.ts';

export interface ApiRateLimitOptions {
  config: Pick<Config, 'REDIS_KEY_PREFIX' | 'API_REQUESTS_PER_MINUTE_PER_IP'>;
  redis: Redis | null;
  clinics: Pick<ClinicService, 'apiRequestsPerMinute'>;
}

/** Whose budget a request spends: its clinic's (members) or its address's (everyone else). */
interface Policy {
  name: 'clinic' | 'ip';
  key: string;
  quota: number;
}

const WINDOW_SECONDS = 60;

/**
 * Requests per minute, counted per clinic for its members (staff and customers alike) and per address
 * for signed-out callers and super admins. Register it right after `authenticate`, which it reads.
 *
 * Fields per draft-ietf-httpapi-ratelimit-headers-11 (structured-field lists, §3 and §4):
 *   RateLimit-Policy: "clinic";q=300;w=60
 *   RateLimit: "clinic";r=42;t=17
 */
export const apiRateLimit = fp<ApiRateLimitOptions>(async (app: FastifyInstance, { config, redis, clinics }) => {
  // One counter per clinic with a ceiling no limit reaches, compared with the clinic's own limit here.
  // Limits differ per clinic and a super admin changes them at any time: a limiter per limit value
  // would need a map of limiters, and a new limit would start the clinic's count over under another
  // key mid-window; one counter keeps the count and applies the new limit from the next request.
  const requests = createRateLimiter(redis, {
    keyPrefix: `${config.REDIS_KEY_PREFIX}api-requests`,
    points: Number.MAX_SAFE_INTEGER,
    duration: WINDOW_SECONDS,
  });

  async function policyOf(request: FastifyRequest): Promise<Policy> {
    const clinicId = request.principal?.clinicId;
    if (clinicId) return { name: 'clinic', key: clinicId, quota: await clinics.apiRequestsPerMinute(scopeOf(request)) };
    return { name: 'ip', key: request.ip, quota: config.API_REQUESTS_PER_MINUTE_PER_IP };
  }

  app.addHook('onRequest', async (request, reply) => {
    const policy = await policyOf(request);
    // With Redis unreachable the count is this node's own (see createRateLimiter), never unmetered.
    const counted = await requests.consume(`${policy.name}:${policy.key}`);
    // A refused request counts too; the window is fixed, so that does not prolong the wait.
    const secondsLeft = Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
    reply.header('RateLimit-Policy', `"${policy.name}";q=${policy.quota};w=${WINDOW_SECONDS}`);
    reply.header('RateLimit', `"${policy.name}";r=${Math.max(0, policy.quota - counted.consumedPoints)};t=${secondsLeft}`);
    if (counted.consumedPoints > policy.quota) {
      const whose = policy.name === 'clinic' ? "This clinic's plan allows" : 'This address may make';
      throw tooManyRequests(
        'too-many-requests',
        secondsLeft,
        `${whose} ${policy.quota} API requests per minute; wait ${secondsLeft} s.`,
      );
    }
  });
});
