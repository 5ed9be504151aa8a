import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session-token.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { OpenApiSamples, type FieldPath, type JsonSchema } from '../support/openapi-samples.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Every operation of the OpenAPI document, every string field of its path, query and JSON body, each
 * hostile string: never a 5xx, and every 4xx a problem+json with a type. The cases come from the
 * document, so a new route is fuzzed as soon as it is documented.
 */

interface Hostile {
  name: string;
  text: string;
  /** How it travels in a URL, where the default (encodeURIComponent) cannot express it. */
  url?: string;
}

const HOSTILE: Hostile[] = [
  { name: 'NUL', text: 'a\u0000b' },
  { name: 'C0 controls', text: '\u0001\u0008\u001b[2J\u001f' },
  // JSON.stringify writes a lone surrogate as the escape "\ud800"; in a URL, its would-be UTF-8 bytes.
  { name: 'lone surrogate', text: 'x\ud800y', url: 'x%ED%A0%80y' },
  { name: 'very long', text: 'x'.repeat(100_000), url: 'x'.repeat(4_000) },
  { name: 'bad percent-encoding', text: '%E0%A4%A', url: '%E0%A4%A' },
  { name: 'SQL', text: "' OR 1=1; DROP TABLE users; --" },
  { name: 'HTML', text: '<script>alert(1)</script>&amp;"' },
  { name: 'RTL override', text: '\u202Egnp.exe\u202C' },
  { name: 'emoji', text: '👩🏽‍⚕️💉😀' },
];

interface Operation {
  method: string;
  path: string;
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

interface Case {
  op: Operation;
  where: 'path' | 'query' | 'body';
  field: string;
  hostile: Hostile;
  url: string;
  body?: unknown;
}

interface Caller {
  name: string;
  ip: string;
  cookie: string;
  csrf: string;
}

const encode = (h: Hostile) => h.url ?? encodeURIComponent(h.text);

function casesOf(op: Operation, samples: OpenApiSamples): Case[] {
  const params = op.parameters ?? [];
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const request = (hostile: Hostile, target: { where: Case['where']; name?: string; field?: FieldPath }): Case => {
    const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (target.where === 'path' && target.name === name) return encode(hostile);
      return encodeURIComponent(String(samples.build(params.find((p) => p.name === name)!.schema)));
    });
    const query = params
      .filter((p) => p.in === 'query' && (p.required || (target.where === 'query' && target.name === p.name)))
      .map((p) => {
        if (target.where === 'query' && target.name === p.name) return `${p.name}=${encode(hostile)}`;
        return `${p.name}=${encodeURIComponent(String(samples.build(p.schema)))}`;
      });
    const body = bodySchema && samples.build(bodySchema, target.where === 'body' ? target.field! : null, hostile.text);
    const field = target.where === 'body' ? ['body', ...target.field!].join('.') : `${target.where}.${target.name}`;
    return { op, where: target.where, field, hostile, url: query.length ? `${url}?${query.join('&')}` : url, body };
  };
  const targets = [
    ...params
      .filter((p) => (p.in === 'path' || p.in === 'query') && samples.stringFields(p.schema).length > 0)
      .map((p) => ({ where: p.in as 'path' | 'query', name: p.name })),
    ...(bodySchema ? samples.stringFields(bodySchema).map((field) => ({ where: 'body' as const, field })) : []),
  ];
  return targets.flatMap((target) => HOSTILE.map((hostile) => request(hostile, target)));
}

let t: TestApp;
let callers: { anonymous: Caller; owner: Caller; superAdmin: Caller };

/** A caller's cookies and CSRF token, sent as they are on every case: no answer changes them. */
async function callerOf(name: string, client: HttpClient, ip: string): Promise<Caller> {
  const csrf = (await client.get('/api/auth/csrf')).body.token as string;
  const session = client.cookie(SESSION_COOKIE);
  const cookie = [`_csrf=${client.cookie('_csrf')}`, ...(session ? [`${SESSION_COOKIE}=${session}`] : [])].join('; ');
  return { name, ip, cookie, csrf };
}

beforeAll(async () => {
  // The fuzz sends thousands of requests a minute from one address: limits would answer 429 and hide the rest.
  t = await startTestApp({ API_REQUESTS_PER_MINUTE_PER_IP: '1000000', SIGN_IN_MAX_FAILURES_PER_IP: '1000000' });
  const clinic = await createClinic(t, { tier: 'enterprise' });
  await t.db.owner.query(`UPDATE clinics SET quota_overrides = '{"api_requests_per_minute": 1000000}' WHERE id = $1`, [
    clinic.id,
  ]);
  const owner = await createUser(t, clinic.id, 'clinic_owner');
  const superAdmin = await createUser(t, null, 'super_admin');
  callers = {
    anonymous: await callerOf('anonymous', new HttpClient(t.app, '10.9.0.1'), '10.9.0.1'),
    owner: await callerOf('clinic owner', await signInAs(t, owner, '10.9.0.2'), '10.9.0.2'),
    superAdmin: await callerOf('super admin', await signInAs(t, superAdmin, '10.9.0.3'), '10.9.0.3'),
  };
});
afterAll(() => t.stop());

describe('hostile strings in every documented field', () => {
  it('never answer 5xx, and every 4xx is problem+json with a type', { timeout: 120_000 }, async () => {
    const doc = (await t.app.inject('/docs/json')).json() as {
      paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
      components: { schemas: Record<string, JsonSchema> };
    };
    const samples = new OpenApiSamples(doc.components.schemas);
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })));
    const cases = operations.flatMap((op) => casesOf(op, samples));

    const failures: string[] = [];
    let sent = 0;
    for (const c of cases) {
      const who = [callers.anonymous, callers.owner, ...(c.op.path.startsWith('/api/admin/') ? [callers.superAdmin] : [])];
      await Promise.all(
        who.map(async (caller) => {
          const res = await t.app.inject({
            method: c.op.method as 'GET',
            url: c.url,
            remoteAddress: caller.ip,
            headers: {
              cookie: caller.cookie,
              ...(c.op.method === 'GET' ? {} : { 'x-csrf-token': caller.csrf }),
              ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(c.body === undefined ? {} : { payload: JSON.stringify(c.body) }),
          });
          sent++;
          const contentType = String(res.headers['content-type']);
          const type = /json/.test(contentType) ? res.json()?.type : undefined;
          const problem = /^application\/problem\+json/.test(contentType) && typeof type === 'string';
          if (res.statusCode >= 500 || (res.statusCode >= 400 && !problem)) {
            failures.push(
              `${c.op.method} ${c.op.path} ${c.field} = ${c.hostile.name} as ${caller.name}: ${res.statusCode} ${res.body.slice(0, 120)}`,
            );
          }
        }),
      );
    }
    // The document must reach every kind of field, or the fuzz proves nothing.
    expect(new Set(cases.map((c) => c.where))).toEqual(new Set(['path', 'query', 'body']));
    expect(sent).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });
});
