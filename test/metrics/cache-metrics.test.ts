import { describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { eventually } from '../support/eventually.ts';
import { scrape, type Scrape } from '../support/prometheus-text.ts';
import { startTestApp } from '../support/test-app.ts';
import { twoApiNodes, withRedis } from '../support/two-api-nodes.ts';

// Two API nodes on one database, joined by Redis, as in test/clinics/clinic-cache.test.ts.
const nodes = twoApiNodes();

const moved = (before: Scrape, after: Scrape, name: string, labels: Record<string, string>) =>
  after.value(name, labels) - before.value(name, labels);

describe('cache figures', () => {
  it('a clinic read twice is one miss, then hits', async () => {
    const clinic = await createClinic(nodes.a);
    const owner = await signInAs(nodes.a, await createUser(nodes.a, clinic.id, 'clinic_owner'));
    await owner.get('/api/clinic');
    const before = await scrape(nodes.a.app);
    expect((await owner.get('/api/clinic')).status).toBe(200);
    const after = await scrape(nodes.a.app);
    expect(moved(before, after, 'cache_lookups_total', { cache: 'clinics-by-id', result: 'hit' })).toBeGreaterThan(0);
    expect(moved(before, after, 'cache_lookups_total', { cache: 'clinics-by-id', result: 'miss' })).toBe(0);
    expect(after.value('cache_lookups_total', { cache: 'clinics-by-id', result: 'miss' })).toBeGreaterThan(0);
  });

  it('the analytics page is computed once, then served from the cache', async () => {
    const admin = await signInAs(nodes.a, await createUser(nodes.a, null, 'super_admin'));
    const labels = (result: string) => ({ cache: 'analytics', result });
    const before = await scrape(nodes.a.app);
    expect((await admin.get('/api/admin/analytics/clinics')).status).toBe(200);
    expect((await admin.get('/api/admin/analytics/clinics')).status).toBe(200);
    const after = await scrape(nodes.a.app);
    expect(moved(before, after, 'cache_lookups_total', labels('miss'))).toBe(1);
    expect(moved(before, after, 'cache_lookups_total', labels('hit'))).toBe(1);
  });

  it.skipIf(!withRedis)('a change through one node counts as an invalidation received on the other', async () => {
    const clinic = await createClinic(nodes.a);
    const owner = await createUser(nodes.a, clinic.id, 'clinic_owner');
    const ownerOnA = await signInAs(nodes.a, owner);
    const before = await scrape(nodes.b.app);
    expect((await ownerOnA.patch('/api/clinic', { name: 'Renamed For Metrics' })).status).toBe(200);
    const after = await eventually(
      () => scrape(nodes.b.app),
      (m) => moved(before, m, 'cache_invalidations_received_total', { cache: 'clinics' }) !== 0,
    );
    expect(moved(before, after, 'cache_invalidations_received_total', { cache: 'clinics' })).toBe(1);
  });

  it('a Redis that cannot be reached counts as Redis errors', async () => {
    const cut = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const m = await eventually(
        () => scrape(cut.app),
        (scraped) => scraped.value('redis_errors_total', { connection: 'shared' }) !== 0,
      );
      expect(m.value('redis_errors_total', { connection: 'shared' })).toBeGreaterThan(0);
    } finally {
      await cut.stop();
    }
  });
});
