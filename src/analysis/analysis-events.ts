import { z } from 'zod';
import { listenTo } from '../db/listen.ts';
import type { Logger } from '../logger.ts';
import { PROGRESS_CHANNEL, type ProgressEvent } from './analysis-repo.ts';
import { ANALYSIS_STATUSES } from './analysis-vocabulary.ts';

export interface AnalysisEvents {
  /**
   * Calls `listener` with every progress event of one analysis until the returned function is called.
   * `onResync` runs when the listening connection came back after a loss: events sent meanwhile are
   * gone, so the subscriber reads the analysis's state again.
   */
  subscribe(analysisId: string, listener: (event: ProgressEvent) => void, onResync?: () => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

// Anyone who may NOTIFY on the channel can send anything: only well-formed progress reaches a stream.
const ProgressPayload = z.object({
  id: z.uuid(),
  clinicId: z.uuid(),
  status: z.enum(ANALYSIS_STATUSES),
  progress: z.number().int().min(0).max(100),
  attempt: z.number().int().min(1).optional(),
});

interface Subscriber {
  listener: (event: ProgressEvent) => void;
  onResync?: () => void;
}

/**
 * Progress from any worker reaches the SSE clients of every API node through Postgres LISTEN/NOTIFY:
 * one listening connection per node, fanned out in memory.
 */
export function createAnalysisEvents(url: string, log: Logger): AnalysisEvents {
  const subscribers = new Map<string, Set<Subscriber>>();
  const connection = listenTo(
    url,
    PROGRESS_CHANNEL,
    (payload) => {
      const event = parseProgress(payload);
      if (!event) {
        log.warn({ channel: PROGRESS_CHANNEL, payload: payload.slice(0, 200) }, 'ignored a malformed progress notification');
        return;
      }
      for (const s of subscribers.get(event.id) ?? []) s.listener(event);
    },
    log,
    () => {
      for (const set of subscribers.values()) for (const s of set) s.onResync?.();
    },
  );

  return {
    subscribe(analysisId, listener, onResync) {
      const set = subscribers.get(analysisId) ?? new Set();
      const subscriber = { listener, onResync };
      set.add(subscriber);
      subscribers.set(analysisId, set);
      return () => {
        set.delete(subscriber);
        if (set.size === 0) subscribers.delete(analysisId);
      };
    },
    start: () => connection.start(),
    close: () => connection.close(),
  };
}

function parseProgress(payload: string): ProgressEvent | undefined {
  try {
    const parsed = ProgressPayload.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
