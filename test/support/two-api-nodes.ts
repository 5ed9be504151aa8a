import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

/** Whether the nodes share a real Redis; without it they are joined by nothing and cross-node tests skip. */
export const withRedis = Boolean(process.env.REDIS_URL);

/**
 * Two API nodes on one database, joined only by Redis, started before the file's tests and stopped after them:
 * what one node changes, the other must not serve stale. `a` owns the database; `b` is set once they run.
 */
export function twoApiNodes(env: Record<string, string> = {}): { a: TestApp; b: TestApp } {
  const nodes = {} as { a: TestApp; b: TestApp };
  beforeAll(async () => {
    nodes.a = await startTestApp(env);
    nodes.b = await startTestApp(env, { database: nodes.a.database });
  });
  afterAll(async () => {
    await nodes.b?.stop();
    await nodes.a?.stop();
  });
  return nodes;
}
