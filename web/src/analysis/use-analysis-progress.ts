import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isFinished } from '../../../src/analysis/analysis-vocabulary.ts';
import { analysisKeys } from './analysis-queries.ts';
import type { ProgressEvent } from './analysis-types.ts';

export type ProgressState = { event: ProgressEvent | null; lost: boolean };

/**
 * Live stages of one analysis from its Server-Sent Events stream, while `enabled`. The stream ends
 * after a final stage; the EventSource is closed then, or it would reconnect and ask again. When it
 * ends, the analysis and the lists are refetched so every page shows the stored outcome.
 */
export function useAnalysisProgress(id: string | null, enabled = true): ProgressState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<ProgressState>({ event: null, lost: false });
  useEffect(() => {
    if (!id || !enabled) return;
    setState({ event: null, lost: false });
    const source = new EventSource(`/api/analyses/${id}/events`, { withCredentials: true });
    source.addEventListener('progress', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as ProgressEvent;
      setState({ event, lost: false });
      if (isFinished(event.status)) {
        source.close();
        void queryClient.invalidateQueries({ queryKey: analysisKeys.all });
      }
    });
    // The browser retries a dropped stream by itself, also one the server ends at its lifetime (it starts
    // again with the current stage); only a refused one (401, 404, 429) closes it for good.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setState((s) => ({ ...s, lost: true }));
    });
    return () => source.close();
  }, [id, enabled, queryClient]);
  return state;
}
