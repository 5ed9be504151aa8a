import { readdirSync, readFileSync } from 'node:fs';
import { round } from './timing.ts';

// Who kept the machine's cores busy during a phase of a benchmark: this process, a server it started,
// PostgreSQL, and the rest. Read from /proc (Linux); elsewhere the figures it cannot know are null.

/** Cores busy on average during a phase (CPU time over wall time). */
export interface CpuSample {
  /** This process: the benchmark itself, e.g. its load generator. */
  loadGenerator: number;
  server: number | null;
  /** The given PostgreSQL backends (e.g. those of the API's app pool), a part of `postgres`. */
  postgresAppPool: number | null;
  postgres: number | null;
  machineBusy: number | null;
  elsewhere: number | null;
}

export interface CpuReading {
  at: number;
  self: number;
  /** CPU seconds so far by pid; a process that starts or ends during the phase is left out. */
  processes: Map<number, number>;
  postgresPids: number[];
  machine: { busy: number; total: number } | null;
}

/** The CPU time of every process and of the machine now; take one before and one after a phase. */
export function readCpu(): CpuReading {
  const usage = process.cpuUsage();
  const processes = new Map<number, number>();
  const postgresPids: number[] = [];
  for (const entry of readdirOrEmpty('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const seconds = processSeconds(pid);
    if (seconds === null) continue;
    processes.set(pid, seconds);
    if (readProc(`/proc/${pid}/comm`)?.trim() === 'postgres') postgresPids.push(pid);
  }
  const [, ...fields] = readProc('/proc/stat')?.split('\n')[0]!.trim().split(/\s+/).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const total = fields.slice(0, 8).reduce((a, v) => a + v, 0);
  return {
    at: performance.now() / 1000,
    self: (usage.user + usage.system) / 1e6,
    processes,
    postgresPids,
    machine: fields.length >= 8 ? { busy: total - fields[3]! - fields[4]!, total } : null,
  };
}

/**
 * Cores busy on average between two readings, by who used them. `elsewhere` is the rest of the machine's
 * busy time (the kernel's share of networking, and anything else running): large, it says the run was shared.
 */
export function coresBusy(before: CpuReading, after: CpuReading, serverPid: number, appBackends: number[]): CpuSample {
  const wall = after.at - before.at;
  const used = (pids: number[]) => {
    const seconds = pids.reduce(
      (a, pid) => a + Math.max(0, (after.processes.get(pid) ?? NaN) - (before.processes.get(pid) ?? NaN) || 0),
      0,
    );
    return round(seconds / wall);
  };
  const cores = readProc('/proc/cpuinfo')?.match(/^processor\s*:/gm)?.length ?? null;
  const machineBusy =
    before.machine && after.machine && cores
      ? round(((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * cores)
      : null;
  const loadGenerator = round((after.self - before.self) / wall);
  const server = after.processes.has(serverPid) ? used([serverPid]) : null;
  const postgres = after.postgresPids.length ? used(after.postgresPids) : null;
  return {
    loadGenerator,
    server,
    postgresAppPool: appBackends.length ? used(appBackends) : null,
    postgres,
    machineBusy,
    elsewhere: machineBusy === null ? null : round(machineBusy - loadGenerator - (server ?? 0) - (postgres ?? 0)),
  };
}

/** CPU seconds of a process, all its threads, from the scheduler's own count (no clock-tick unit to guess). */
function processSeconds(pid: number): number | null {
  let seconds = 0;
  const threads = readdirOrEmpty(`/proc/${pid}/task`);
  for (const tid of threads) {
    const text = readProc(`/proc/${pid}/task/${tid}/schedstat`);
    if (text) seconds += Number(text.split(' ')[0]) / 1e9;
  }
  return threads.length ? seconds : null;
}

function readdirOrEmpty(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** A /proc file's text, or null where it does not exist (another OS, a process that has ended). */
export function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
