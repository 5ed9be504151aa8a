import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { SystemHealth } from './system-types.ts';

/**
 * The platform's health, asked again as often as processes publish their figures (asking faster
 * would show the same snapshots again).
 */
export function useSystemHealth() {
  return useQuery({
    queryKey: ['admin', 'system'],
    queryFn: ({ signal }) => api<SystemHealth>('/api/admin/system', { signal }),
    refetchInterval: (query) => Math.max(1, query.state.data?.snapshotSeconds ?? 5) * 1000,
  });
}

export interface HistoryPoint {
  requestsPerSecond: number | null;
  serverErrorShare: number | null;
  p95Seconds: number | null;
  jobsWaiting: number;
}

/** About three minutes at the default period: enough to see a trend start, kept in this page only. */
const HISTORY_POINTS = 40;

/** The figures of each answer seen since the page opened, oldest first. */
export function useHistory(health: SystemHealth | undefined): HistoryPoint[] {
  const [history, setHistory] = useState<{ at: string; point: HistoryPoint }[]>([]);
  useEffect(() => {
    if (!health) return;
    const point: HistoryPoint = {
      requestsPerSecond: health.http.requestsPerSecond,
      serverErrorShare: health.http.serverErrorShare,
      p95Seconds: health.http.p95Seconds,
      jobsWaiting: health.queues.reduce((total, q) => total + q.waiting, 0),
    };
    setHistory((previous) =>
      previous.at(-1)?.at === health.generatedAt
        ? previous
        : [...previous, { at: health.generatedAt, point }].slice(-HISTORY_POINTS),
    );
  }, [health]);
  return history.map((h) => h.point);
}

/** Seconds since `since` (ms), counted every second. */
export function useSecondsSince(since: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.floor((now - since) / 1000));
}
