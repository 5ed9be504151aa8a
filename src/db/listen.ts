import pg from 'pg';
import type { Logger } from '../logger.ts';

export interface Listener {
  start(): Promise<void>;
  close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

/**
 * One connection that LISTENs on a channel and hands every payload to `onPayload`, reconnecting
 * when the connection drops. It needs a session-mode connection (not PgBouncer in transaction mode),
 * which is why callers pass the owner URL.
 */
export function listenTo(url: string, channel: string, onPayload: (payload: string) => void, log: Logger): Listener {
  let client: pg.Client | undefined;
  let closed = false;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: `bwai-listen-${channel}` });
    c.on('notification', (message) => {
      if (message.payload) onPayload(message.payload);
    });
    c.on('error', (error) => {
      log.warn({ err: error, channel }, 'listener lost its connection; reconnecting');
      c.end().catch(() => undefined);
      if (!closed)
        setTimeout(
          () => void connect().catch((e: unknown) => log.error({ err: e, channel }, 'listener could not reconnect')),
          RECONNECT_MS,
        );
    });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
  }

  return {
    start: connect,
    async close() {
      closed = true;
      await client?.end();
    },
  };
}
