import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session-token.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { eventually } from '../support/eventually.ts';
import { twoApiNodes, withRedis } from '../support/two-api-nodes.ts';

// Two API nodes on one database, joined only by Redis, each trusting a session it has looked up for a
// minute: a refusal within the test's few seconds can only come from the revocation message.
const LONG_CACHE = { SESSION_CACHE_MS: '60000' };

const nodes = twoApiNodes(LONG_CACHE);

/** The same browser session sent to node B: its cookie, taken from the client signed in on node A. */
function sameSessionOn(node: TestApp, signedIn: HttpClient) {
  const cookie = `${SESSION_COOKIE}=${signedIn.cookie(SESSION_COOKIE)}`;
  const client = new HttpClient(node.app);
  return { me: () => client.get('/api/me', { cookie }) };
}

describe.skipIf(!withRedis)('sessions cached on every node', () => {
  let clinicId: string;
  let owner: HttpClient;
  beforeAll(async () => {
    clinicId = (await createClinic(nodes.a)).id;
    owner = await signInAs(nodes.a, await createUser(nodes.a, clinicId, 'clinic_owner'));
  });

  it('signing out through one node ends the session on the other, which had it cached', async () => {
    const user = await signInAs(nodes.a, await createUser(nodes.a, clinicId, 'receptionist'));
    const onB = sameSessionOn(nodes.b, user);
    expect((await onB.me()).status).toBe(200);
    expect((await user.post('/api/auth/sign-out')).status).toBe(204);
    expect((await eventually(onB.me, (res) => res.status === 401)).status).toBe(401);
  });

  it('signing out everywhere through one node ends every session of the user on the other', async () => {
    const account = await createUser(nodes.a, clinicId, 'receptionist');
    const phone = await signInAs(nodes.a, account);
    const laptop = sameSessionOn(nodes.b, await signInAs(nodes.a, account));
    expect((await laptop.me()).status).toBe(200);
    expect((await phone.post('/api/auth/sign-out-everywhere')).status).toBe(200);
    expect((await eventually(laptop.me, (res) => res.status === 401)).status).toBe(401);
  });

  it('a user disabled through one node is refused by the other at once', async () => {
    const account = await createUser(nodes.a, clinicId, 'receptionist');
    const onB = sameSessionOn(nodes.b, await signInAs(nodes.a, account));
    expect((await onB.me()).status).toBe(200);
    expect((await owner.post(`/api/staff/${account.id}/disable`)).status).toBe(200);
    expect((await eventually(onB.me, (res) => res.status === 401)).status).toBe(401);
  });

  it("a role change through one node is the user's role on the other at once, in /api/me too", async () => {
    const account = await createUser(nodes.a, clinicId, 'receptionist');
    const onB = sameSessionOn(nodes.b, await signInAs(nodes.a, account));
    expect((await onB.me()).body.role).toBe('receptionist');
    expect((await owner.patch(`/api/staff/${account.id}`, { role: 'clinic_admin' })).status).toBe(200);
    expect((await eventually(onB.me, (res) => res.body.role === 'clinic_admin')).body.role).toBe('clinic_admin');
  });

  it('a clinic suspended through one node signs its members out on the other', async () => {
    const clinic = await createClinic(nodes.a);
    const onB = sameSessionOn(nodes.b, await signInAs(nodes.a, await createUser(nodes.a, clinic.id, 'clinic_owner')));
    const admin = await signInAs(nodes.a, await createUser(nodes.a, null, 'super_admin'));
    expect((await onB.me()).status).toBe(200);
    expect((await admin.post(`/api/admin/clinics/${clinic.id}/suspend`)).status).toBe(200);
    expect((await eventually(onB.me, (res) => res.status === 401)).status).toBe(401);
  });
});

describe('the session cache lifetime', () => {
  it('a session ended behind the cache (no message) is still honoured until the lifetime runs out, then refused', async () => {
    const node = await startTestApp({ SESSION_CACHE_MS: '1000' });
    try {
      const account = await createUser(node, (await createClinic(node)).id, 'receptionist');
      const user = await signInAs(node, account);
      expect((await user.get('/api/me')).status).toBe(200);
      await node.db.owner.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [account.id]);
      expect((await user.get('/api/me')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await user.get('/api/me')).status).toBe(401);
    } finally {
      await node.stop();
    }
  });

  it('with the cache off, a session ended in the database is refused on the next request', async () => {
    const node = await startTestApp({ SESSION_CACHE_MS: '0' });
    try {
      const account = await createUser(node, (await createClinic(node)).id, 'receptionist');
      const user = await signInAs(node, account);
      expect((await user.get('/api/me')).status).toBe(200);
      await node.db.owner.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [account.id]);
      expect((await user.get('/api/me')).status).toBe(401);
    } finally {
      await node.stop();
    }
  });
});
