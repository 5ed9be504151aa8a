import pg from 'pg';
import type { Logger } from '../logger.ts';
import { PROGRESS_CHANNEL, type ProgressEvent } from './analysis-repo.ts';

export interface AnalysisEvents {
  /** Calls `listener` with every progress event of one analysis until the returned function is called. */
  subscribe(analysisId: string, listener: (event: ProgressEvent) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

/**
 * Progress from any worker reaches the SSE clients of every API node through Postgres LISTEN/NOTIFY:
 * one listening connection per node, fanned out in memory. It needs a session-mode connection (not
 * PgBouncer in transaction mode), which is why it uses the owner URL.
 */
export function createAnalysisEvents(url: string, log: Logger): AnalysisEvents {
  const listeners = new Map<string, Set<(event: ProgressEvent) => void>>();
  let client: pg.Client | undefined;
  let closed = false;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: 'bwai-analysis-events' });
    c.on('notification', (message) => {
      if (!message.payload) return;
      const event = JSON.parse(message.payload) as ProgressEvent;
      for (const listener of listeners.get(event.id) ?? []) listener(event);
    });
    c.on('error', (error) => {
      log.warn({ err: error }, 'analysis progress listener lost its connection; reconnecting');
      c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect().catch((e: unknown) => log.error({ err: e }, 'analysis progress listener could not reconnect')), RECONNECT_MS);
    });
    await c.connect();
    await c.query(`LISTEN ${PROGRESS_CHANNEL}`);
    client = c;
  }

  return {
    subscribe(analysisId, listener) {
      const set = listeners.get(analysisId) ?? new Set();
      set.add(listener);
      listeners.set(analysisId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(analysisId);
      };
    },
    start: connect,
    async close() {
      closed = true;
      await client?.end();
    },
  };
}
