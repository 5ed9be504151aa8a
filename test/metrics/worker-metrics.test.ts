import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../support/prometheus-text.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';
import { startWorkerProcess, stopProcess } from '../support/worker-process.ts';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let database: TestDatabase;
let storageDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  storageDir = await mkdtemp(join(tmpdir(), 'bwai-worker-metrics-'));
});
afterAll(async () => {
  await database.drop();
  await rm(storageDir, { recursive: true, force: true });
});

describe('a worker process', () => {
  it('answers /healthz and serves its own figures, queue depths included, at /metrics', async () => {
    const port = await freePort();
    const worker = startWorkerProcess({
      DATABASE_URL: database.ownerUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      STORAGE_DIR: storageDir,
      METRICS_PORT: String(port),
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      let health: Response | undefined;
      for (let i = 0; i < 300 && !health?.ok; i++) {
        health = await fetch(`${base}/healthz`).catch(() => undefined);
        if (!health?.ok) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status).toBe(200);
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const scrape = parsePrometheusText(await res.text());
      expect(scrape.types.get('job_duration_seconds')).toBe('histogram');
      expect(scrape.samples.some((s) => s.name === 'job_queue_waiting' && s.labels.queue === 'skin-analysis')).toBe(true);
      // Nothing but these two: the worker serves no API.
      expect((await fetch(`${base}/api/me`)).status).toBe(404);
    } finally {
      await stopProcess(worker);
    }
  }, 60_000);
});
