import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session-token.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { twoApiNodes } from '../support/two-api-nodes.ts';

const nodes = twoApiNodes({ SSE_HEARTBEAT_SECONDS: '1' });
let originA: string;
beforeAll(async () => {
  originA = await nodes.a.app.listen({ host: '127.0.0.1', port: 0 });
});

/** Opens a person's notification stream on node A over a real connection, as the browser's EventSource does. */
async function openInboxStream(client: HttpClient) {
  const controller = new AbortController();
  const res = await fetch(`${originA}/api/notifications/events`, {
    headers: { cookie: `${SESSION_COOKIE}=${client.cookie(SESSION_COOKIE)}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    res,
    /** What the server sent, once it holds `needle` (or the wait ran out). */
    async until(needle: string, ms = 10_000): Promise<string> {
      const deadline = Date.now() + ms;
      while (!text.includes(needle) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text;
    },
    close: () => controller.abort(),
  };
}

describe('new notifications reach live inboxes on every node', () => {
  it("a booking made through node B is pushed to the receptionist's stream on node A", async () => {
    const { a, b } = nodes;
    const clinic = await createClinic(a, { tier: 'professional' });
    const owner = await signInAs(a, await createUser(a, clinic.id, 'clinic_owner'));
    const staff = await createUser(a, clinic.id, 'clinic_staff');
    const treatment = await setUpBookableTreatment(owner, staff.id);
    const receptionist = await signInAs(a, await createUser(a, clinic.id, 'receptionist'));
    const customer = await signInAs(b, await createUser(a, clinic.id, 'customer'));

    const stream = await openInboxStream(receptionist);
    try {
      expect(stream.res.status).toBe(200);
      expect(await stream.until('event: ready')).toContain('event: ready');
      const booked = await customer.post('/api/appointments', {
        treatmentId: treatment.id,
        startsAt: localInstant(localDateInDays(3), '10:00'),
      });
      expect(booked.status).toBe(201);
      const sent = await stream.until('event: notification');
      const { id } = (await receptionist.get('/api/notifications')).body.items[0] as { id: string };
      expect(sent).toContain(`event: notification\ndata: {"id":"${id}"}`);
    } finally {
      stream.close();
    }
  });
});
