import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session-token.ts';
import { customerOf, uploadPhoto } from '../analysis/analysis-steps.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { scrape } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const MAX_STREAMS = 2;
let t: TestApp;
let origin: string;
beforeAll(async () => {
  // Short lifetime and heartbeat, so an ended stream is seen in seconds. No worker runs here: every
  // analysis stays queued, and its stream ends only by the limits under test.
  t = await startTestApp({ SSE_MAX_SECONDS: '6', SSE_MAX_STREAMS_PER_USER: String(MAX_STREAMS), SSE_HEARTBEAT_SECONDS: '1' });
  origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => t.stop());

const photo = () =>
  sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#c8a68c' } })
    .jpeg()
    .toBuffer();

/** Opens the analysis's progress stream over a real connection, as the browser's EventSource does. */
async function openStream(client: HttpClient, analysisId: string) {
  const res = await fetch(`${origin}/api/analyses/${analysisId}/events`, {
    headers: { cookie: `${SESSION_COOKIE}=${client.cookie(SESSION_COOKIE)}`, accept: 'text/event-stream' },
  });
  return {
    res,
    /** Everything the server sent until it ended the stream. */
    async untilEnd(): Promise<string> {
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
      return text;
    },
  };
}

async function queuedAnalysis(client: HttpClient): Promise<string> {
  const upload = await uploadPhoto(client, await photo());
  expect(upload.status).toBe(202);
  return upload.body.id;
}

const openStreams = async () => (await scrape(t.app)).value('sse_open_streams', { stream: 'analysis-progress' });

describe('live progress streams are bounded', () => {
  it('a stream ends by itself after its lifetime, having sent the current state, and no longer counts as open', async () => {
    const customer = await customerOf(t, await createClinic(t));
    const stream = await openStream(customer, await queuedAnalysis(customer));
    expect(stream.res.status).toBe(200);
    const sent = await stream.untilEnd();
    expect(sent).toContain('event: progress');
    expect(sent).toContain('"status":"queued"');
    expect(sent).toContain(': keep-alive');
    expect(await openStreams()).toBe(0);
  });

  it('a user holding the most streams allowed gets 429 too-many-streams for the next, and may open one once another ends', async () => {
    const customer = await customerOf(t, await createClinic(t));
    const id = await queuedAnalysis(customer);
    const held = [];
    for (let i = 0; i < MAX_STREAMS; i++) held.push(await openStream(customer, id));
    expect(held.map((s) => s.res.status)).toEqual([200, 200]);

    const refused = await customer.get(`/api/analyses/${id}/events`);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: '/problems/too-many-streams', maxStreams: MAX_STREAMS });

    // Another user is not held back by the first one's streams.
    const other = await customerOf(t, await createClinic(t));
    const otherStream = await openStream(other, await queuedAnalysis(other));
    expect(otherStream.res.status).toBe(200);

    await held[0]!.res.body!.cancel();
    let again = await openStream(customer, id);
    for (let i = 0; i < 50 && again.res.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await openStream(customer, id);
    }
    expect(again.res.status).toBe(200);
    await Promise.all([again, held[1]!, otherStream].map((s) => s.res.body!.cancel()));
  });

  it('signing out everywhere from another device ends an open stream', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'clinic_owner');
    const watcher = await signInAs(t, user);
    const elsewhere = await signInAs(t, user);
    const customer = await customerOf(t, clinic);
    const id = await queuedAnalysis(customer);
    const stream = await openStream(watcher, id);
    expect(stream.res.status).toBe(200);

    expect((await elsewhere.post('/api/auth/sign-out-everywhere')).status).toBe(200);
    expect(await stream.untilEnd()).toContain('"status":"queued"');
    // The browser's reconnect is refused now, so the stream does not come back.
    expect((await openStream(watcher, id)).res.status).toBe(401);
  });

  it('disabling a staff account ends the streams it has open', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staffUser = await createUser(t, clinic.id, 'clinic_staff');
    const staffMember = await signInAs(t, staffUser);
    const customer = await customerOf(t, clinic);
    const stream = await openStream(staffMember, await queuedAnalysis(customer));
    expect(stream.res.status).toBe(200);

    expect((await owner.post(`/api/staff/${staffUser.id}/disable`)).status).toBe(200);
    expect(await stream.untilEnd()).toContain('"status":"queued"');
  });
});
