import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface RateLimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

/** Whether limits are counted in this process because Redis is unreachable, for logs and metrics. */
export interface RedisFallback {
  /** True while Redis is not connected or a limit's command failed in the last few seconds. */
  isOnFallback(): boolean;
  /** Commands of rate limits that failed and were answered by the per-process limiter instead. */
  storeErrors(): number;
}

const FALLBACK_LOG_EVERY_MS = 60_000;
// A command can fail while the connection still reports ready (a timeout); count that as falling back
// for this long after the last failure.
const RECENT_FAILURE_MS = 5_000;

class FallbackTracker implements RedisFallback {
  private errors = 0;
  private errorsSinceLog = 0;
  private lastErrorAt = -Infinity;
  private lastLoggedAt = -Infinity;
  private log: Logger | undefined;

  constructor(private readonly redis: Redis) {}

  watch(log: Logger) {
    this.log = log;
    this.redis.on('ready', () => {
      if (this.errors === 0) return;
      this.lastErrorAt = -Infinity;
      log.info('Redis reachable again; rate limits are shared between nodes again');
    });
  }

  noteError(error: unknown) {
    this.errors++;
    this.errorsSinceLog++;
    this.lastErrorAt = Date.now();
    if (this.lastErrorAt - this.lastLoggedAt < FALLBACK_LOG_EVERY_MS) return;
    this.log?.warn(
      { err: error, storeErrors: this.errorsSinceLog },
      'Redis unreachable; rate limits are counted in this process until it returns',
    );
    this.lastLoggedAt = this.lastErrorAt;
    this.errorsSinceLog = 0;
  }

  isOnFallback() {
    return this.redis.status !== 'ready' || Date.now() - this.lastErrorAt < RECENT_FAILURE_MS;
  }

  storeErrors() {
    return this.errors;
  }
}

const trackers = new WeakMap<Redis, FallbackTracker>();

function trackerOf(redis: Redis): FallbackTracker {
  let tracker = trackers.get(redis);
  if (!tracker) trackers.set(redis, (tracker = new FallbackTracker(redis)));
  return tracker;
}

/** Logs falling back (once a minute at most) and coming back for every limit on this connection. */
export function watchRedisFallback(redis: Redis, log: Logger): void {
  trackerOf(redis).watch(log);
}

export function redisFallback(redis: Redis): RedisFallback {
  return trackerOf(redis);
}

// Not in the package's types: the method that hands a failed command to the insurance limiter.
const handleStoreError = (RateLimiterRedis.prototype as unknown as { _handleError(...args: unknown[]): void })._handleError;

/** A Redis limit that notes each command answered by its insurance (per-process) limiter instead. */
class InsuredRedisLimiter extends RateLimiterRedis {
  constructor(
    options: ConstructorParameters<typeof RateLimiterRedis>[0],
    private readonly tracker: FallbackTracker,
  ) {
    super(options);
  }

  // rate-limiter-flexible routes every failed store command here before asking the insurance limiter;
  // a RateLimiterRes is a refusal, not a failure.
  _handleError(error: unknown, ...rest: unknown[]): void {
    if (!(error instanceof RateLimiterRes)) this.tracker.noteError(error);
    handleStoreError.call(this, error, ...rest);
  }
}

/**
 * Counters shared by every node through Redis when it is configured, else kept in this process. While
 * Redis is unreachable each call is answered at once by a per-process limiter with the same limits, so
 * a limit holds per node instead of failing the request; every call tries Redis first, so shared
 * counting resumes by itself when it returns.
 */
export function createRateLimiter(redis: Redis | null, options: RateLimiterOptions): RateLimiterAbstract {
  if (!redis) return new RateLimiterMemory(options);
  return new InsuredRedisLimiter(
    {
      ...options,
      storeClient: redis,
      // Without it a command waits for a connection that is not there; the insurance answers instead.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    },
    trackerOf(redis),
  );
}
