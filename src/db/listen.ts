import pg from 'pg';
import type { Logger } from '../logger.ts';

export interface Listener {
  start(): Promise<void>;
  close(): Promise<void>;
}

// A restart or failover takes seconds: retry soon, then back off so a long outage costs little.
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * One connection that LISTENs on a channel and hands every payload to `onPayload`. A lost connection
 * is opened again with capped backoff for as long as the listener is not closed. It needs a
 * session-mode connection (not PgBouncer in transaction mode), which is why callers pass the owner URL.
 * `onReconnect` runs once the connection is back: notifications sent while it was down never arrive.
 */
export function listenTo(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  log: Logger,
  onReconnect?: () => void,
): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = FIRST_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: `bwai-listen-${channel}` });
    let lost = false;
    const lose = (error?: Error) => {
      if (lost) return;
      lost = true;
      c.end().catch(() => undefined);
      if (client !== c) return;
      client = undefined;
      if (closed) return;
      log.warn({ err: error, channel }, 'listener lost its connection; reconnecting');
      scheduleReconnect();
    };
    c.on('notification', (message) => {
      if (message.payload !== undefined) onPayload(message.payload);
    });
    c.on('error', lose);
    c.on('end', () => lose());
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      lost = true;
      await c.end().catch(() => undefined);
      throw error;
    }
    client = c;
  }

  function scheduleReconnect(): void {
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        async () => {
          if (closed) return client?.end();
          log.info({ channel }, 'listener reconnected');
          retryMs = FIRST_RETRY_MS;
          onReconnect?.();
        },
        (error: unknown) => {
          if (closed) return;
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
          log.debug({ err: error, channel, retryMs }, 'listener could not reconnect yet');
          scheduleReconnect();
        },
      );
    }, retryMs);
  }

  return {
    start: connect,
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end();
    },
  };
}
