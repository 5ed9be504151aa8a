import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProblemHandlers } from '../../src/http/problem-handler.ts';
import { multipartOptions, readUpload } from '../../src/uploads/read-upload.ts';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let clinic: TestClinic;
let owner: HttpClient;
beforeAll(async () => {
  t = await startTestApp();
  clinic = await createClinic(t);
  owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
});
afterAll(() => t.stop());

const expectInvalidInput = (res: { status: number; headers: Record<string, unknown>; body: any }, path: string) => {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: '/problems/invalid-input', errors: [{ path }] });
};

describe('text no person typed is refused with 400 invalid-input naming the field', () => {
  it('an anonymous sign-up with a NUL byte in the name', async () => {
    const res = await new HttpClient(t.app).post('/api/auth/sign-up', {
      clinicSlug: clinic.slug,
      email: `nul-${Date.now()}@example.test`,
      password: 'a long enough password',
      fullName: 'Nul\u0000Name',
    });
    expectInvalidInput(res, 'body.fullName');
  });

  it('a customer record with a bell character in its notes, and nothing is stored', async () => {
    const res = await owner.post('/api/customers', { fullName: 'Bell Customer', notes: 'ring \u0007' });
    expectInvalidInput(res, 'body.notes');
    expect((await owner.get('/api/customers?q=Bell%20Customer')).body.items).toHaveLength(0);
  });

  it('a customer search with a NUL byte in the query string', async () => {
    expectInvalidInput(await owner.get('/api/customers?q=a%00b'), 'querystring.q');
  });

  it('a lone UTF-16 surrogate escaped in JSON', async () => {
    const csrf = (await owner.get('/api/auth/csrf')).body.token;
    const res = await owner.request('POST', '/api/customers', '{"fullName":"Half \\ud800 a pair"}', {
      'content-type': 'application/json',
      'x-csrf-token': csrf,
    });
    expectInvalidInput(res, 'body.fullName');
  });

  it('tabs, line breaks, emoji, right-to-left marks and SQL or HTML characters are kept as typed', async () => {
    const notes = "Line one\r\nLine two\tindented 😀 \u202Eabc'; DROP TABLE customers; -- <script>";
    const res = await owner.post('/api/customers', { fullName: 'Kept As Typed', notes });
    expect(res.status).toBe(201);
    expect((await owner.get(`/api/customers/${res.body.id}`)).body.notes).toBe(notes);
  });
});

describe('multipart text gets the same check', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    registerProblemHandlers(app);
    await app.register(async (scope) => {
      await scope.register(multipart, multipartOptions({ UPLOAD_MAX_BYTES: 1024 }));
      scope.post('/upload', async (request) => ({ size: (await readUpload(request, 1024)).buffer.length }));
    });
  });
  afterAll(() => app.close());

  async function upload(fields: [string, string][], filename: string) {
    const form = new FormData();
    for (const [name, value] of fields) form.append(name, value);
    form.append('photo', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }), filename);
    const encoded = new Response(form);
    const res = await app.inject({
      method: 'POST',
      url: '/upload',
      payload: Buffer.from(await encoded.arrayBuffer()),
      headers: { 'content-type': encoded.headers.get('content-type')! },
    });
    return { status: res.statusCode, headers: res.headers, body: res.json() };
  }

  it('a text field with a control character before the photo', async () => {
    expectInvalidInput(await upload([['note', 'esc \u001b[31m']], 'face.jpg'), 'body.note');
  });

  it('a file name with a control character', async () => {
    expectInvalidInput(await upload([], 'face\u0001.jpg'), 'body.photo.filename');
  });

  it('an ordinary upload passes', async () => {
    expect(await upload([['note', 'สวัสดี\n']], 'หน้า.jpg')).toMatchObject({ status: 200, body: { size: 3 } });
  });
});
