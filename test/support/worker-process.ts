import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A real worker process (`src/main.ts worker`), as an operator runs it, on the given database. Its
 * metrics listener is off unless `env` sets METRICS_PORT: parallel test files would collide on one port.
 */
export function startWorkerProcess(env: { DATABASE_URL: string; STORAGE_DIR: string } & Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env: { ...process.env, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1', DEMO_DATA: 'off', METRICS_PORT: 'off', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Sends `signal` and resolves once the process has exited. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
