import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_CHANNEL, type ProgressEvent } from '../../src/analysis/analysis-repo.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

const notify = (payload: string) => t.db.owner.query('SELECT pg_notify($1, $2)', [PROGRESS_CHANNEL, payload]);

/** Subscribes to one analysis and collects what reaches its stream. */
function watch(analysisId: string) {
  const events: ProgressEvent[] = [];
  let resyncs = 0;
  const unsubscribe = t.analysisEvents.subscribe(
    analysisId,
    (event) => events.push(event),
    () => resyncs++,
  );
  return { events, resyncs: () => resyncs, unsubscribe };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('live progress from the database', () => {
  it('a stray NOTIFY with garbage on the progress channel is ignored: the node serves and delivers the next event', async () => {
    const id = randomUUID();
    const stream = watch(id);
    const event: ProgressEvent = { id, clinicId: randomUUID(), status: 'analysing', progress: 40 };
    for (const garbage of [
      'not json at all',
      '',
      'null',
      '[1,2,3]',
      JSON.stringify({ id }),
      JSON.stringify({ ...event, status: 'hacked' }),
      JSON.stringify({ ...event, progress: '40' }),
      JSON.stringify({ ...event, id: 'not-a-uuid' }),
    ])
      await notify(garbage);
    await notify(JSON.stringify(event));
    await until(() => stream.events.length > 0);
    expect(stream.events).toEqual([event]);
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    stream.unsubscribe();
  });

  it('after the listening connection is killed again and again for over a second, streams resync and later events arrive', async () => {
    const id = randomUUID();
    const stream = watch(id);
    const killListener = () =>
      t.db.owner.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = $1 AND datname = current_database()`,
        [`bwai-listen-${PROGRESS_CHANNEL}`],
      );
    const started = Date.now();
    let killed = 0;
    while (Date.now() - started < 1_500) {
      killed += (await killListener()).rowCount ?? 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(killed).toBeGreaterThan(1);

    await until(() => stream.resyncs() > 0);
    const event: ProgressEvent = { id, clinicId: randomUUID(), status: 'completed', progress: 100 };
    // The reconnect may still be settling: keep notifying until one gets through.
    await until(() => {
      if (stream.events.length === 0) void notify(JSON.stringify(event));
      return stream.events.length > 0;
    });
    expect(stream.events[0]).toEqual(event);
    stream.unsubscribe();
  });
});
