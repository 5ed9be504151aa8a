import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from './test-database.ts';

export interface TestApp extends Runtime {
  app: FastifyInstance;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * The real app over its own database (and the real Redis when REDIS_URL is set). Pass another app's
 * `database` to start a second node on the same data; that database stays with its first owner.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { database?: TestDatabase } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  // Photos of one test file go to a folder of its own, removed with its database.
  const storageDir = join(tmpdir(), `${database.name}-storage`);
  const config = loadConfig({
    STORAGE_DIR: storageDir,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.ownerUrl,
    DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
    DATABASE_POOL_MAX: '10',
    RESPONSE_VALIDATION: 'on',
    // The test runner shares this process's event loop and the machine with other test files: its own pauses
    // are no overload of the app, and a burst (a hundred racing bookings) may wait long for one of ten
    // connections. Load shedding's tests set the bounds they exercise.
    LOAD_SHED_EVENT_LOOP_DELAY_MS: '60000',
    DATABASE_POOL_WAIT_MS: '30000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    // Each file's counters and cache entries stay apart on a shared Redis.
    REDIS_KEY_PREFIX: `${database.name}:`,
    ...env,
  });
  const log = createLogger(config);
  const runtime = createRuntime(config, log, database.ownerUrl);
  await runtime.start();
  const app = await runtime.buildApp();
  await app.ready();
  return {
    ...runtime,
    app,
    database,
    async stop() {
      await app.close();
      await runtime.close();
      if (!options.database) {
        await database.drop();
        await rm(storageDir, { recursive: true, force: true });
      }
    },
  };
}
