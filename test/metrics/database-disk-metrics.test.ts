import { statfs } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('database and disk figures without a replica', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  it('the database size is the one PostgreSQL reports, under the database name', async () => {
    const metrics = await scrape(t.app);
    const { rows } = await t.db.owner.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    const exposed = metrics.value('db_database_size_bytes', { database: t.database.name });
    expect(exposed).toBeGreaterThan(1_000_000);
    // Autovacuum or the job queue may write a page between the two readings.
    expect(Math.abs(exposed - Number(rows[0]!.bytes))).toBeLessThan(Number(rows[0]!.bytes) * 0.05);
  });

  it("the local storage volume's size and free space are those of the folder's volume, before any photo exists", async () => {
    const metrics = await scrape(t.app);
    // The test's storage folder does not exist yet: its parent, the temporary folder, is on the same volume.
    const volume = await statfs(tmpdir());
    expect(metrics.value('storage_volume_size_bytes', { volume: 'storage' })).toBe(volume.blocks * volume.bsize);
    const free = metrics.value('storage_volume_free_bytes', { volume: 'storage' });
    expect(free).toBeGreaterThan(0);
    expect(Math.abs(free - volume.bavail * volume.bsize)).toBeLessThan(volume.blocks * volume.bsize * 0.05);
  });

  it('without a replica there is no lag sample (the figure is declared, not reported as 0)', async () => {
    const metrics = await scrape(t.app);
    expect(metrics.types.get('db_replica_lag_seconds')).toBe('gauge');
    expect(metrics.samples.filter((s) => s.name.startsWith('db_replica_'))).toEqual([]);
  });
});

describe('replica lag', () => {
  it('a replica URL that points at a primary reads as 0 behind and not in recovery', async () => {
    const primary = await startTestApp();
    const t = await startTestApp({ DATABASE_REPLICA_URL: primary.database.ownerUrl }, { database: primary.database });
    try {
      const metrics = await scrape(t.app);
      expect(metrics.samples.filter((s) => s.name === 'db_replica_lag_seconds')).toEqual([
        { name: 'db_replica_lag_seconds', labels: { pool: 'replica' }, value: 0 },
      ]);
      expect(metrics.value('db_replica_in_recovery', { pool: 'replica' })).toBe(0);
      expect(metrics.samples.some((s) => s.name === 'db_replica_in_recovery')).toBe(true);
    } finally {
      await t.stop();
      await primary.stop();
    }
  });

  it('a replica that accepts connections but never answers leaves the lag out, and scrapes share one attempt', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    const t = await startTestApp({
      DATABASE_REPLICA_URL: `postgres://replica@127.0.0.1:${port}/bwai`,
      DATABASE_CONNECT_TIMEOUT_MS: '20000',
    });
    try {
      for (let i = 0; i < 2; i++) {
        const metrics = await scrape(t.app);
        expect(metrics.samples.filter((s) => s.name.startsWith('db_replica_'))).toEqual([]);
        expect(metrics.value('db_database_size_bytes', { database: t.database.name })).toBeGreaterThan(0);
      }
      expect(sockets).toHaveLength(1);
    } finally {
      // Refused at last, the hanging connection attempt fails and the pools can close.
      for (const socket of sockets) socket.destroy();
      silent.close();
      await t.stop();
    }
  });
});
