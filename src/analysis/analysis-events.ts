import { listenTo } from '../db/listen.ts';
import type { Logger } from '../logger.ts';
import { PROGRESS_CHANNEL, type ProgressEvent } from './analysis-repo.ts';

export interface AnalysisEvents {
  /** Calls `listener` with every progress event of one analysis until the returned function is called. */
  subscribe(analysisId: string, listener: (event: ProgressEvent) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Progress from any worker reaches the SSE clients of every API node through Postgres LISTEN/NOTIFY:
 * one listening connection per node, fanned out in memory.
 */
export function createAnalysisEvents(url: string, log: Logger): AnalysisEvents {
  const listeners = new Map<string, Set<(event: ProgressEvent) => void>>();
  const connection = listenTo(
    url,
    PROGRESS_CHANNEL,
    (payload) => {
      const event = JSON.parse(payload) as ProgressEvent;
      for (const listener of listeners.get(event.id) ?? []) listener(event);
    },
    log,
  );

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
    start: () => connection.start(),
    close: () => connection.close(),
  };
}
