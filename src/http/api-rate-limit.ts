import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createRateLimiter } from '../cache/rate-limiter.ts';
import type { ClinicService } from '../clinics/clinic-service.ts';
import type { Config } from '../config.ts';
import { tooManyRequests } from '../errors/app-error.ts';
import { scopeOf } from './authenticate.ts';

export interface ApiRateLimitOptions {
  config: Pick<
    Config,
    'REDIS_KEY_PREFIX' | 'API_REQUESTS_PER_MINUTE_PER_IP' | 'API_USER_SHARE' | 'API_USER_MIN_REQUESTS_PER_MINUTE'
  >;
  redis: Redis | null;
  clinics: Pick<ClinicService, 'apiRequestsPerMinute'>;
}

/** Whose budget a request spends: its user's share and its clinic's (members), or its address's (everyone else). */
interface Policy {
  name: 'user' | 'clinic' | 'ip';
  key: string;
  quota: number;
}

const WINDOW_SECONDS = 60;

const REFUSAL: Record<Policy['name'], string> = {
  user: 'Each user may make',
  clinic: "This clinic's plan allows",
  ip: 'This address may make',
};

/**
 * Requests per minute, counted per clinic for its members (staff and customers alike) and per address
 * for signed-out callers and super admins. A member also has a share of the clinic's limit
 * (`API_USER_SHARE`, at least `API_USER_MIN_REQUESTS_PER_MINUTE`), so one customer cannot use up the
 * clinic's minute for everyone; a request over the share spends none of the clinic's budget. Register
 * it right after `authenticate`, which it reads.
 *
 * Fields per draft-ietf-httpapi-ratelimit-headers-11 (structured-field lists, §3 and §4), for the
 * clinic's budget, or for the user's share on a refusal by it:
 *   RateLimit-Policy: "clinic";q=300;w=60
 *   RateLimit: "clinic";r=42;t=17
 */
export const apiRateLimit = fp<ApiRateLimitOptions>(async (app: FastifyInstance, { config, redis, clinics }) => {
  // One counter per clinic (and user) with a ceiling no limit reaches, compared with the limit here.
  // Limits differ per clinic and a super admin changes them at any time: a limiter per limit value
  // would need a map of limiters, and a new limit would start the clinic's count over under another
  // key mid-window; one counter keeps the count and applies the new limit from the next request.
  const requests = createRateLimiter(redis, {
    keyPrefix: `${config.REDIS_KEY_PREFIX}api-requests`,
    points: Number.MAX_SAFE_INTEGER,
    duration: WINDOW_SECONDS,
  });

  const userShareOf = (clinicQuota: number) =>
    Math.min(clinicQuota, Math.max(config.API_USER_MIN_REQUESTS_PER_MINUTE, Math.floor(clinicQuota * config.API_USER_SHARE)));

  /** The budgets a request spends, in order; the first one exhausted refuses it. */
  async function policiesOf(request: FastifyRequest): Promise<Policy[]> {
    const principal = request.principal;
    if (!principal?.clinicId) return [{ name: 'ip', key: request.ip, quota: config.API_REQUESTS_PER_MINUTE_PER_IP }];
    const quota = await clinics.apiRequestsPerMinute(scopeOf(request));
    const clinic: Policy = { name: 'clinic', key: principal.clinicId, quota };
    const share = userShareOf(quota);
    return share < quota ? [{ name: 'user', key: principal.userId, quota: share }, clinic] : [clinic];
  }

  app.addHook('onRequest', async (request, reply) => {
    const policies = await policiesOf(request);
    for (const [i, policy] of policies.entries()) {
      // With Redis unreachable the count is this node's own (see createRateLimiter), never unmetered.
      const counted = await requests.consume(`${policy.name}:${policy.key}`);
      const refused = counted.consumedPoints > policy.quota;
      if (!refused && i < policies.length - 1) continue;
      // A refused request counts too; the window is fixed, so that does not prolong the wait.
      const secondsLeft = Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
      reply.header('RateLimit-Policy', `"${policy.name}";q=${policy.quota};w=${WINDOW_SECONDS}`);
      reply.header('RateLimit', `"${policy.name}";r=${Math.max(0, policy.quota - counted.consumedPoints)};t=${secondsLeft}`);
      if (refused) {
        throw tooManyRequests(
          `api-${policy.name}`,
          'too-many-requests',
          secondsLeft,
          `${REFUSAL[policy.name]} ${policy.quota} API requests per minute; wait ${secondsLeft} s.`,
        );
      }
      return;
    }
  });
});
