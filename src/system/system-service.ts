import type pg from 'pg';
import { unsafeWithPlatformAccess, type PlatformActor } from '../db/tenant-transaction.ts';
import type { JobDb } from '../metrics/job-metrics.ts';
import { addHistograms, quantile, type NodeSnapshot } from './node-snapshot.ts';
import { endedAnalyses, queueFigures } from './system-repo.ts';
import type { SystemHealth, SystemNode } from './system-schemas.ts';
import type { SystemNodes } from './system-nodes.ts';

/** Long enough that a quiet platform still shows a few analyses, short enough to read as "now". */
const ANALYSIS_WINDOW_MINUTES = 15;

const perSecond = (count: number, seconds: number) => (seconds > 0 ? count / seconds : null);

export function createSystemService({
  pool,
  jobDb,
  nodes,
  snapshotSeconds,
  redisConfigured,
}: {
  /** The primary: figures of analyses that ended seconds ago, which a lagging replica may not have yet. */
  pool: pg.Pool;
  jobDb: () => JobDb;
  nodes: SystemNodes;
  snapshotSeconds: number;
  redisConfigured: boolean;
}) {
  return {
    /**
     * The platform's health now. Per-process figures (HTTP, pools, Redis fallback, streams) come from
     * every process's latest snapshot; queues and analyses are platform-wide facts read once from the
     * database rather than added up from N processes. Not audited, unlike the analytics pages: no
     * clinic's data is read, only counts and durations over all of them, as /metrics exposes.
     */
    async health(reader: PlatformActor): Promise<SystemHealth> {
      const [listed, queues, analyses] = await Promise.all([
        nodes.list(),
        queueFigures(jobDb()),
        unsafeWithPlatformAccess(
          pool,
          { clinicId: null, userId: reader.userId, role: reader.role },
          (tx) => endedAnalyses(tx, ANALYSIS_WINDOW_MINUTES),
          { readOnly: true },
        ),
      ]);
      const now = Date.now();
      const snapshots = listed.nodes;
      const windowRequests = sumOf(snapshots, (s) => s.window.requests);
      const latency = addHistograms(snapshots.map((s) => s.window.duration));
      const rates = snapshots.map((s) => perSecond(s.window.requests, s.windowSeconds)).filter((r) => r !== null);
      return {
        generatedAt: new Date(now).toISOString(),
        scope: listed.reason ? 'this-node' : 'platform',
        singleNodeReason: listed.reason,
        snapshotSeconds,
        nodes: snapshots.map((s, i) => nodeOf(s, i === 0, now)),
        http: {
          requestsPerSecond: rates.length ? rates.reduce((a, b) => a + b, 0) : null,
          serverErrorShare: windowRequests > 0 ? sumOf(snapshots, (s) => s.window.serverErrors) / windowRequests : null,
          p50Seconds: quantile(0.5, latency),
          p95Seconds: quantile(0.95, latency),
          inFlight: sumOf(snapshots, (s) => s.inFlight),
          requestsTotal: sumOf(snapshots, (s) => s.requestsTotal),
          serverErrorsTotal: sumOf(snapshots, (s) => s.serverErrorsTotal),
        },
        pools: poolsOf(snapshots),
        queues: queues.map((q) => ({
          queue: q.queue,
          waiting: q.waiting,
          active: q.active,
          failed: q.failed,
          // As /metrics counts it: the jobs kept in the queue's dead-letter queue.
          deadLettered: queues.find((other) => other.queue === q.dead_letter)?.total ?? 0,
          oldestWaitingSeconds: q.oldest_due_seconds,
        })),
        analyses: {
          windowMinutes: ANALYSIS_WINDOW_MINUTES,
          completedPerMinute: analyses.completed_per_minute,
          completed: analyses.completed,
          rejected: analyses.rejected,
          failed: analyses.failed,
          resultP50Seconds: analyses.result_p50,
          resultP95Seconds: analyses.result_p95,
          processingP50Seconds: analyses.processing_p50,
          processingP95Seconds: analyses.processing_p95,
        },
        redis: { configured: redisConfigured, nodesOnFallback: snapshots.filter((s) => s.redisFallback).length },
        liveStreams: { open: sumOf(snapshots, (s) => s.sseOpenStreams) },
      };
    },
  };
}

export type SystemService = ReturnType<typeof createSystemService>;

const sumOf = (snapshots: NodeSnapshot[], figure: (s: NodeSnapshot) => number) => snapshots.reduce((t, s) => t + figure(s), 0);

function nodeOf(s: NodeSnapshot, self: boolean, now: number): SystemNode {
  return {
    id: s.id,
    role: s.role,
    host: s.host,
    pid: s.pid,
    self,
    startedAt: s.startedAt,
    uptimeSeconds: Math.max(0, (now - Date.parse(s.startedAt)) / 1000),
    lastSeenAt: s.takenAt,
    requestsPerSecond: perSecond(s.window.requests, s.windowSeconds),
    requestsTotal: s.requestsTotal,
    serverErrorsTotal: s.serverErrorsTotal,
    inFlight: s.inFlight,
    pools: s.pools.map(({ wait, ...pool }) => ({ ...pool, waitP95Seconds: quantile(0.95, wait) })),
    redisFallback: s.redisFallback,
    sseOpenStreams: s.sseOpenStreams,
    residentMemoryBytes: Math.round(s.residentMemoryBytes),
    cpuShare: perSecond(s.window.cpuSeconds, s.windowSeconds),
  };
}

/** Each pool name summed over the processes that have it; its wait p95 from their windows together. */
function poolsOf(snapshots: NodeSnapshot[]): SystemHealth['pools'] {
  const names = [...new Set(snapshots.flatMap((s) => s.pools.map((p) => p.pool)))];
  return names.map((name) => {
    const pools = snapshots.flatMap((s) => s.pools.filter((p) => p.pool === name));
    return {
      pool: name,
      total: pools.reduce((t, p) => t + p.total, 0),
      idle: pools.reduce((t, p) => t + p.idle, 0),
      waiting: pools.reduce((t, p) => t + p.waiting, 0),
      waitP95Seconds: quantile(0.95, addHistograms(pools.map((p) => p.wait))),
    };
  });
}
