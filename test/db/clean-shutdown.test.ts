import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bwai-shutdown-'));
  // As root, embedded PostgreSQL runs as user postgres, which must be able to enter the folder.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Ctrl-C in a terminal', () => {
  it('drains the app before its embedded PostgreSQL stops, exits 0 and says so in a few readable lines', async () => {
    const dataDir = join(dir, 'postgres');
    // detached: the child leads its own process group, as a shell makes a foreground job.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
      detached: true,
      env: {
        PATH: process.env.PATH,
        EMBEDDED_DB_DIR: dataDir,
        PORT: '0',
        DEMO_DATA: 'off',
        WEB_DIST_DIR: join(dir, 'no-web-app'),
        STORAGE_DIR: join(dir, 'storage'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 90_000;
    while (!/"msg":"started"/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the app did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const postgresPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(isRunning(postgresPid)).toBe(true);
    const beforeSignal = output.length;

    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-child.pid!, 'SIGINT');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
    const code = await Promise.race([exited, timeout]);

    const shutdownLines = output.slice(beforeSignal).trim().split('\n');
    expect(code, output.slice(beforeSignal)).toBe(0);
    expect(shutdownLines.length, output.slice(beforeSignal)).toBeLessThanOrEqual(8);
    expect(output).not.toMatch(/"client"|_connecting|_ending/);
    expect(output.slice(beforeSignal)).toMatch(/stopped/);
    // Nothing lost its database mid-drain: no warning or error while stopping.
    expect(output.slice(beforeSignal)).not.toMatch(/"level":(40|50|60)/);
    expect(isRunning(postgresPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 150_000);
});

describe('error logs', () => {
  it('a pg error is logged with its message, code, detail and stack, never the client it came from', async () => {
    const lines: string[] = [];
    const log = createLogger(
      { LOG_LEVEL: 'info', NODE_ENV: 'development' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const pool = new pg.Pool({ connectionString: inject('adminUrl'), max: 1 });
    try {
      // The error a pool raises when the server ends an idle connection holds that connection's client.
      const idle = await pool.connect();
      const { rows } = await idle.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      idle.release();
      const lost = new Promise<Error>((resolve) => pool.once('error', resolve));
      const other = new pg.Client({ connectionString: inject('adminUrl') });
      await other.connect();
      await other.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await other.end();
      const terminated = await lost;
      expect(terminated).toHaveProperty('client');

      const duplicate = await pool
        .query('CREATE TEMP TABLE one_id (id int PRIMARY KEY); INSERT INTO one_id VALUES (1), (1)')
        .catch((error: Error) => error);

      log.warn({ err: terminated }, 'idle database connection lost');
      log.error({ err: duplicate }, 'unhandled error');
    } finally {
      await pool.end();
    }
    const [lostLine, duplicateLine] = lines.map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(Object.keys(lostLine!.err).sort()).toEqual(['code', 'message', 'name', 'stack']);
    expect(lostLine!.err).toMatchObject({ code: '57P01', message: 'terminating connection due to administrator command' });
    expect(duplicateLine!.err).toMatchObject({ code: '23505', detail: 'Key (id)=(1) already exists.' });
    expect(lines.join('')).not.toMatch(/client|connectionParameters|_types/);
  });
});
