import type { Redis } from 'ioredis';
import { createRateLimiter } from '../cache/rate-limiter.ts';
import type { Config } from '../config.ts';
import { tooManyRequests } from '../errors/app-error.ts';

export interface SignInThrottle {
  /** Throws 429 sign-in-locked while the account or the address is locked out. */
  assertAllowed(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

type ThrottleConfig = Pick<
  Config,
  'SIGN_IN_MAX_FAILURES_PER_ACCOUNT' | 'SIGN_IN_MAX_FAILURES_PER_IP' | 'SIGN_IN_LOCKOUT_SECONDS' | 'REDIS_KEY_PREFIX'
>;

/** Failed sign-ins counted per account and per IP; shared across nodes when Redis is configured. */
export function createSignInThrottle(config: ThrottleConfig, redis: Redis | null): SignInThrottle {
  const make = (name: string, points: number) =>
    createRateLimiter(redis, {
      keyPrefix: `${config.REDIS_KEY_PREFIX}signin-${name}`,
      points,
      duration: config.SIGN_IN_LOCKOUT_SECONDS,
      blockDuration: config.SIGN_IN_LOCKOUT_SECONDS,
    });
  const byAccount = make('account', config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT);
  const byIp = make('ip', config.SIGN_IN_MAX_FAILURES_PER_IP);
  const accountKey = (email: string) => email.trim().toLowerCase();

  return {
    async assertAllowed(email, ip) {
      const [account, address] = await Promise.all([byAccount.get(accountKey(email)), byIp.get(ip)]);
      for (const [res, limiter, name] of [
        [account, byAccount, 'sign-in-account'],
        [address, byIp, 'sign-in-ip'],
      ] as const) {
        if (res && res.consumedPoints >= limiter.points) throw tooManyRequests(name, 'sign-in-locked', res.msBeforeNext / 1000);
      }
    },
    async recordFailure(email, ip) {
      // Consuming past the limit rejects with the limiter's result; the lockout is what we want.
      await Promise.allSettled([byAccount.consume(accountKey(email)), byIp.consume(ip)]);
    },
    async recordSuccess(email) {
      await byAccount.delete(accountKey(email));
    },
  };
}
