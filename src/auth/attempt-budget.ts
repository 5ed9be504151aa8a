import type { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { createRateLimiter } from '../cache/rate-limiter.ts';
import { tooManyRequests, type Limiter } from '../errors/app-error.ts';

export interface AttemptBudget {
  /** Spends one attempt for `key`, or throws 429 too-many-requests when its budget is used up. */
  spend(key: string): Promise<void>;
  /** Clears `key`'s count (the attempt succeeded). */
  clear(key: string): Promise<void>;
}

/**
 * `points` attempts per key in `seconds`, shared by every node through Redis; a key that uses them
 * up waits out the rest of the window. For account actions that cost an email or check a secret.
 */
export function createAttemptBudget(
  redis: Redis | null,
  o: { keyPrefix: string; points: number; seconds: number; limiter: Limiter },
): AttemptBudget {
  const limiter = createRateLimiter(redis, {
    keyPrefix: o.keyPrefix,
    points: o.points,
    duration: o.seconds,
    blockDuration: o.seconds,
  });
  return {
    async spend(key) {
      try {
        await limiter.consume(key);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        throw tooManyRequests(o.limiter, 'too-many-requests', refusal.msBeforeNext / 1000);
      }
    },
    async clear(key) {
      await limiter.delete(key);
    },
  };
}
