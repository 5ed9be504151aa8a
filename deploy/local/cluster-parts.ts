import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The OS account the daemons run as: PostgreSQL and PgBouncer refuse root, so as root they run as `postgres`. */
export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

export function serviceUser(): ServiceUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { name: 'postgres', uid: id('-u'), gid: id('-g') };
  } catch {
    throw new ClusterError('running as root needs the OS user "postgres" (apt-get install -y postgresql-15 creates it)');
  }
}

export class ClusterError extends Error {}

/** A folder the daemons may write: created, and handed to the service user when we are root. */
export async function ownedFolder(path: string, user: ServiceUser | undefined, mode = 0o755): Promise<string> {
  await mkdir(path, { recursive: true, mode });
  if (user) await chown(path, user.uid, user.gid);
  return path;
}

/** PostgreSQL's programs: `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinaries(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // pg_config comes with libpq-dev or postgresql-common; the package folders are looked at next.
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root))
    candidates.push(
      ...readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(root, v, 'bin')),
    );
  const found = candidates.find((dir) => isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'pg_basebackup')));
  if (!found) throw new ClusterError('PostgreSQL server programs not found: apt-get install -y postgresql-15');
  return found;
}

/** A program on PATH or in the sbin folders, where Debian puts haproxy, nginx and pgbouncer. */
export function program(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  const found = dirs.map((d) => join(d, name)).find(isExecutable);
  if (!found) throw new ClusterError(`${name} not found: apt-get install -y ${debianPackage}`);
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Ports the kernel says are free right now; all distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    ports.add(
      await new Promise<number>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
        });
      }),
    );
  }
  return [...ports];
}

/** Runs a program to completion; its output goes to the log file and is quoted in the error if it fails. */
export function runToEnd(
  command: string,
  args: string[],
  options: { user?: ServiceUser; logFile: string; env?: NodeJS.ProcessEnv },
) {
  return new Promise<void>((resolve, reject) => {
    const fd = openSync(options.logFile, 'a');
    const child = spawn(command, args, {
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    closeSync(fd);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new ClusterError(`${command} ${args[0] ?? ''} failed (${code}):\n${tail(options.logFile)}`)),
    );
  });
}

/** The last lines of a log, for an error message. */
export function tail(logFile: string, lines = 15): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
}

/**
 * A long-running program in its own process group, so the terminal's Ctrl-C reaches only us (we
 * stop the parts in order) and a stop reaches every process it forked.
 */
export function startDaemon(
  name: string,
  command: string,
  args: string[],
  options: { user?: ServiceUser; logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Daemon {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: options.env ?? process.env,
    cwd: options.cwd,
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return { name, child, exited };
}

export function isRunning(daemon: Daemon): boolean {
  return daemon.child.exitCode === null && daemon.child.signalCode === null;
}

/** Signals the daemon's whole process group, then SIGKILLs it if it has not exited in time. */
export async function stopDaemon(daemon: Daemon, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (!isRunning(daemon) || daemon.child.pid === undefined) return;
  signalGroup(daemon.child.pid, signal);
  const timer = setTimeout(() => signalGroup(daemon.child.pid!, 'SIGKILL'), graceMs);
  await daemon.exited;
  clearTimeout(timer);
  // Children a daemon forked (nginx's workers) leave with their group.
  signalGroup(daemon.child.pid, 'SIGKILL');
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Polls `check` until it resolves true, failing with the daemon's log if it exits or time runs out. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  { daemon, logFile, timeoutMs = 60_000, signal }: { daemon?: Daemon; logFile: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (daemon && !isRunning(daemon)) throw new ClusterError(`${what} exited while starting:\n${tail(logFile)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new ClusterError(`${what} not ready after ${timeoutMs / 1000} s:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** True when an HTTP GET answers 200. */
export async function answers200(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status === 200;
}
