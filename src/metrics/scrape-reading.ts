import type { Logger } from '../logger.ts';

/**
 * A figure read outside the process when /metrics is scraped (a query on another server, a statfs),
 * bounded so that a dead dependency never blocks the scrape: the scrape waits at most `timeoutMs`
 * and then answers without the figure, and while a read is still running every later scrape joins it
 * instead of starting another, so a server that hangs is never sent a pile of queries. Gauges of the
 * same scrape share one read. A failure is logged when it starts and when it ends, not at each scrape.
 */
export function scrapeReading<T>(
  what: string,
  read: () => Promise<T>,
  { timeoutMs, log }: { timeoutMs: number; log: Logger },
): () => Promise<T | undefined> {
  let inFlight: Promise<T | undefined> | null = null;
  let failing = false;
  const settle = (failure: unknown) => {
    if (failure !== undefined && !failing) log.warn({ err: failure }, `${what} could not be read: left out of /metrics`);
    if (failure === undefined && failing) log.info(`${what} can be read again`);
    failing = failure !== undefined;
  };
  return () => {
    inFlight ??= read()
      .then(
        (value) => {
          settle(undefined);
          return value;
        },
        (error: unknown) => {
          settle(error ?? new Error('unknown failure'));
          return undefined;
        },
      )
      // Kept until the end of this tick, so the other gauges of the same scrape join the same read.
      .finally(() => setImmediate(() => (inFlight = null)));
    return withTimeout(inFlight, timeoutMs, () => settle(new Error(`no answer within ${timeoutMs} ms`)));
  };
}

function withTimeout<T>(promise: Promise<T | undefined>, ms: number, onTimeout: () => void): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve(undefined);
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
