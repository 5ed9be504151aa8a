import { z } from 'zod';

const Count = z.number().int().min(0);
const Seconds = z.number().min(0);
/** A figure over too few observations to say anything is null, never a made-up zero. */
const SecondsOrNone = Seconds.nullable();

const Pool = z.object({
  pool: z.string().meta({ description: 'app, owner or replica' }),
  total: Count.meta({ description: 'Connections open (idle and checked out)' }),
  idle: Count,
  waiting: Count.meta({ description: 'Callers queued for a connection because the pool is at its maximum' }),
  waitP95Seconds: SecondsOrNone.meta({ description: 'p95 time to get a connection over the last snapshot window' }),
});

const SystemNode = z.object({
  id: z.string(),
  role: z.enum(['api', 'worker', 'all']),
  host: z.string(),
  pid: z.number().int(),
  self: z.boolean().meta({ description: 'The process that answered this request' }),
  startedAt: z.iso.datetime(),
  uptimeSeconds: Seconds,
  lastSeenAt: z.iso.datetime().meta({ description: 'When the process last took its figures' }),
  requestsPerSecond: z.number().min(0).nullable(),
  requestsTotal: Count,
  serverErrorsTotal: Count,
  inFlight: Count,
  pools: z.array(Pool),
  redisFallback: z.boolean().meta({ description: 'Counting rate limits in the process alone because Redis is away' }),
  sseOpenStreams: Count,
  residentMemoryBytes: Count,
  cpuShare: z.number().min(0).nullable().meta({ description: 'CPU time over the last window, as a share of one core' }),
});

const Queue = z.object({
  queue: z.string(),
  waiting: Count,
  active: Count,
  failed: Count,
  deadLettered: Count,
  oldestWaitingSeconds: Seconds,
});

export const SystemHealth = z
  .object({
    generatedAt: z.iso.datetime(),
    scope: z.enum(['platform', 'this-node']).meta({
      description: 'platform: every process publishing to Redis; this-node: only the process that answered',
    }),
    singleNodeReason: z.enum(['redis-not-configured', 'redis-unreachable']).nullable(),
    snapshotSeconds: z.number().int().meta({ description: 'How often each process publishes its figures' }),
    nodes: z.array(SystemNode),
    http: z.object({
      requestsPerSecond: z.number().min(0).nullable(),
      serverErrorShare: z.number().min(0).max(1).nullable().meta({ description: 'Share of 5xx answers over the last window' }),
      p50Seconds: SecondsOrNone,
      p95Seconds: SecondsOrNone,
      inFlight: Count,
      requestsTotal: Count,
      serverErrorsTotal: Count,
    }),
    pools: z.array(Pool).meta({ description: 'Each pool summed over every process' }),
    queues: z.array(Queue),
    analyses: z.object({
      windowMinutes: z.number().int(),
      completedPerMinute: z.array(Count).meta({ description: 'Oldest minute first' }),
      completed: Count,
      rejected: Count,
      failed: Count,
      resultP50Seconds: SecondsOrNone.meta({ description: 'Upload to result' }),
      resultP95Seconds: SecondsOrNone,
      processingP50Seconds: SecondsOrNone.meta({ description: 'Time a worker spent on it' }),
      processingP95Seconds: SecondsOrNone,
    }),
    redis: z.object({
      configured: z.boolean(),
      nodesOnFallback: Count,
    }),
    liveStreams: z.object({ open: Count }),
  })
  .meta({ id: 'SystemHealth' });
export type SystemHealth = z.infer<typeof SystemHealth>;
export type SystemNode = z.infer<typeof SystemNode>;
