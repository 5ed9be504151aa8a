import type { Redis } from 'ioredis';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createRateLimiter } from '../cache/rate-limiter.ts';
import type { Config } from '../config.ts';
import { tooManyRequests, type Limiter } from '../errors/app-error.ts';

export interface SignInAttempt {
  /** The password was right: the attempt is given back and the address is remembered for the account. */
  succeeded(): Promise<void>;
}

export interface SignInThrottle {
  /**
   * Spends one attempt before the password is checked, so parallel guesses cannot all be verified;
   * throws 429 sign-in-locked (spending nothing) when a budget is used up.
   */
  admit(email: string, ip: string): Promise<SignInAttempt>;
}

type ThrottleConfig = Pick<
  Config,
  | 'SIGN_IN_MAX_FAILURES_PER_ACCOUNT'
  | 'SIGN_IN_MAX_FAILURES_PER_IP'
  | 'SIGN_IN_MAX_FAILURES_FROM_NEW_ADDRESSES'
  | 'SIGN_IN_KNOWN_ADDRESS_DAYS'
  | 'SIGN_IN_LOCKOUT_SECONDS'
  | 'REDIS_KEY_PREFIX'
>;

/**
 * Three budgets, none of which lets an attacker lock the owner out of their account:
 * - an account from one address (tight): a guesser at one address stops after a few tries;
 * - an address across accounts (loose): one address cannot try many accounts;
 * - an account from addresses that never signed in to it: guessing from many addresses is slowed to
 *   a trickle, while addresses the owner signed in from before are not counted here and keep working.
 * A right password gives its attempt back and clears the account's count from that address.
 */
export function createSignInThrottle(config: ThrottleConfig, redis: Redis | null): SignInThrottle {
  const make = (name: string, points: number, duration = config.SIGN_IN_LOCKOUT_SECONDS) =>
    createRateLimiter(redis, {
      keyPrefix: `${config.REDIS_KEY_PREFIX}signin-${name}`,
      points,
      duration,
      blockDuration: duration,
    });
  const byPair = make('pair', config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT);
  const byIp = make('ip', config.SIGN_IN_MAX_FAILURES_PER_IP);
  const byAccountFromNewAddresses = make('account', config.SIGN_IN_MAX_FAILURES_FROM_NEW_ADDRESSES);
  const knownAddressSeconds = config.SIGN_IN_KNOWN_ADDRESS_DAYS * 86_400;
  const knownAddresses = make('known', 1, knownAddressSeconds);

  return {
    async admit(email, ip) {
      const account = email.trim().toLowerCase();
      const pair = `${account}|${ip}`;
      const known = (await knownAddresses.get(pair)) !== null;
      const spends: [RateLimiterAbstract, string, Limiter][] = [
        [byPair, pair, 'sign-in-pair'],
        [byIp, ip, 'sign-in-ip'],
        ...(known ? [] : [[byAccountFromNewAddresses, account, 'sign-in-account'] as [RateLimiterAbstract, string, Limiter]]),
      ];
      const results = await Promise.allSettled(spends.map(([limiter, key]) => limiter.consume(key)));
      const refusals = results.flatMap((r, i) =>
        r.status === 'rejected' ? [{ reason: r.reason as unknown, limiter: spends[i]![2] }] : [],
      );
      if (refusals.length > 0) {
        // A refused attempt spends nothing: hammering a locked pair must not also use up the budgets
        // the owner and the address's other users rely on.
        await Promise.all(spends.map(([limiter, key], i) => results[i]!.status === 'fulfilled' && limiter.reward(key)));
        const error = refusals.find((r) => !(r.reason instanceof RateLimiterRes));
        if (error) throw error.reason;
        // The longest wait answers, and the limit that imposes it is the one counted.
        const longest = refusals.reduce((a, b) =>
          (a.reason as RateLimiterRes).msBeforeNext >= (b.reason as RateLimiterRes).msBeforeNext ? a : b,
        );
        throw tooManyRequests(longest.limiter, 'sign-in-locked', (longest.reason as RateLimiterRes).msBeforeNext / 1000);
      }
      return {
        async succeeded() {
          await Promise.all([
            byPair.delete(pair),
            byIp.reward(ip),
            known || byAccountFromNewAddresses.reward(account),
            knownAddresses.set(pair, 1, knownAddressSeconds),
          ]);
        },
      };
    },
  };
}
