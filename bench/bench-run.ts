import { stopProcess } from '../test/support/worker-process.ts';
import { ChildServerFailure, startChildServer, type ChildServer } from './child-server.ts';
import { fail } from './seeded-database.ts';

// What the benches that start servers on a seeded database share: the servers' environment, and
// undoing what a run changed (raised limits, sessions, processes) however the run ends.

/** The environment a bench's server runs with on the seeded database at `url`. */
export function seededServerEnv(url: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    DATABASE_URL: url,
    HOST: '127.0.0.1',
    // The schema belongs to whoever migrated this database; a bench leaves it as it is.
    RUN_MIGRATIONS: 'false',
    DEMO_DATA: 'off',
    // Two log lines per request would be written by the server and read by nobody.
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  };
}

/** A reason to stop that the user can act on: printed as one line, after the cleanup. */
export class BenchFailure extends Error {}

/** Ends a run with one line for the user: thrown, not exited, so the cleanups first put back what the run changed. */
export function stopRun(message: string): never {
  throw new BenchFailure(message);
}

export interface BenchRun {
  /** Steps to undo at the end, run once in reverse order of adding. */
  cleanups: (() => Promise<unknown>)[];
  cleanUp: () => Promise<void>;
  /** Starts a server in its own process, stopped by cleanUp; a server that does not come up ends the bench. */
  startServer: (name: string, command: string[], readyPath: string, env: NodeJS.ProcessEnv) => Promise<ChildServer>;
  /** Runs the bench's body, then the cleanups however it ends; a BenchFailure ends it with its line and exit code 1. */
  runToEnd: (body: () => Promise<void>) => Promise<void>;
}

/** A bench run whose cleanups also run on Ctrl-C, so clinics get their limits back and no server is left. */
export function startBenchRun(bench: string): BenchRun {
  const cleanups: (() => Promise<unknown>)[] = [];
  let cleaningUp: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaningUp ??= (async () => {
      for (const step of cleanups.reverse())
        await step().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
    })());
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  const startServer = async (name: string, command: string[], readyPath: string, env: NodeJS.ProcessEnv) => {
    const server = await startChildServer(name, command, { env, readyPath }).catch((error: unknown) => {
      if (error instanceof ChildServerFailure) fail(`${bench}: ${error.message}`);
      throw error;
    });
    cleanups.push(() => stopProcess(server.child));
    return server;
  };
  const runToEnd = async (body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      if (!(error instanceof BenchFailure)) throw error;
      process.stderr.write(`\n${error.message}\n`);
      process.exitCode = 1;
    } finally {
      await cleanUp();
    }
  };
  return { cleanups, cleanUp, startServer, runToEnd };
}
