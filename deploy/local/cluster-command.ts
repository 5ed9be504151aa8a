import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterError, PART_NAMES, startCluster, type Cluster, type PartName } from './cluster.ts';

/**
 * `npm run cluster [-- --dir <folder>]`: the whole topology of a production deployment as processes on
 * this machine, until Ctrl-C.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  const dir = resolve(values.dir ?? join(import.meta.dirname, '../../.data/cluster'));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Starting the cluster in ${dir} (logs in ${join(dir, 'logs')})`);

  const starting = new AbortController();
  const running: { cluster?: Cluster } = {};
  const stop = async (signal: string) => {
    if (starting.signal.aborted) return;
    out(`\n${signal}: stopping every part (the edge first, the database last)…`);
    starting.abort();
    // While still starting, startCluster stops what it has started and rejects.
    if (!running.cluster) return;
    await running.cluster.stop();
    out('stopped');
    process.exit(0);
  };
  // The parts run in process groups of their own: the terminal's Ctrl-C reaches only this script,
  // which stops them in order, so none is left behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));

  const cluster = (running.cluster = await startCluster({
    dir,
    signal: starting.signal,
    onProgress: (part, state, ms) => out(`  ${(ms / 1000).toFixed(1).padStart(5)} s  ${part.padEnd(10)} ${state}`),
    onExit: (part, code, signal) =>
      out(`${part} exited (${signal ?? `code ${code}`}); see ${join(dir, 'logs', `${part}.log`)}. Ctrl-C stops the rest.`),
  }));
  out('');
  out(table(cluster));
  out(`\nOpen ${cluster.urls.edge} (through the CDN edge) or ${cluster.urls.balancer} (the balancer). Ctrl-C stops everything.`);
}

const ROLES: Record<PartName, string> = {
  primary: 'PostgreSQL 15 primary (owner role, migrations, job queue)',
  replica: 'PostgreSQL 15 streaming replica (DATABASE_REPLICA_URL)',
  pgbouncer: 'PgBouncer, transaction mode (DATABASE_APP_URL)',
  redis: 'Redis (rate limits, caches, invalidations)',
  api1: 'API process 1',
  api2: 'API process 2',
  worker1: 'worker process 1',
  worker2: 'worker process 2',
  haproxy: 'HAProxy over api1 and api2 (checks /readyz)',
  nginx: 'nginx, caching CDN edge in front of HAProxy',
};

function table(cluster: Cluster): string {
  const rows = PART_NAMES.map((name) => [name, String(cluster.parts[name].pid ?? ''), cluster.parts[name].address, ROLES[name]]);
  rows.push(['', '', cluster.urls.balancerStats, 'HAProxy statistics']);
  const header = ['part', 'pid', 'address', 'role'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

main().catch((error: unknown) => {
  if (error instanceof DOMException && error.name === 'AbortError') {
    process.stdout.write('stopped\n');
    process.exit(0);
  }
  process.stderr.write(
    `${error instanceof ClusterError ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
