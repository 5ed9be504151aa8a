import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES } from '../../src/config.ts';
import { databaseTarget, defaultPorts, DEPLOY_DIR, readYamlDocuments } from '../support/deploy-files.ts';
import { createTestDatabase, TEST_APP_PASSWORD } from '../support/test-database.ts';

const run = promisify(execFile);
const DIR = new URL('compose/', DEPLOY_DIR);
const APP_SERVICES = ['migrate', 'api', 'worker'];
// The only setting with a default in .env.example: an address, not a secret.
const NOT_SECRET = ['PUBLIC_URL'];

/** Compose's interpolation of ${NAME}, ${NAME:-default} and ${NAME:?error} (what these files use). */
const REFERENCE = /\$\{(\w+)(?:(:-|:\?)([^}]*))?\}/g;
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(REFERENCE, (_, name: string, operator?: string, rest?: string) => {
    const value = values[name];
    if (value) return value;
    if (operator === ':?') throw new Error(`compose would stop: ${rest}`);
    return operator === ':-' ? (rest ?? '') : '';
  });
}

function envExample(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const installed = (binary: string) => existsSync(`/usr/sbin/${binary}`) || existsSync(`/usr/bin/${binary}`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('PgBouncer did not start');
}

let raw: string;
let example: Record<string, string>;
let compose: any;
let secrets: Record<string, string>;
beforeAll(async () => {
  raw = await readFile(new URL('compose.yaml', DIR), 'utf8');
  example = envExample(await readFile(new URL('.env.example', DIR), 'utf8'));
  // A .env as an operator would write it: every secret of its own.
  secrets = Object.fromEntries(Object.entries(example).map(([name, value]) => [name, value || randomBytes(24).toString('hex')]));
  compose = parse(interpolate(raw, secrets), { merge: true });
});

const appEnv = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));

describe('compose file', () => {
  it('wires the whole topology', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'postgres-primary',
        'postgres-replica',
        'pgbouncer',
        'redis',
        'migrate',
        'api',
        'worker',
        'haproxy',
        'edge',
        'prometheus',
        'grafana',
      ].sort(),
    );
    expect(compose.services.api.deploy.replicas).toBe(2);
    expect(compose.services.worker.deploy.replicas).toBe(2);
    expect(compose.services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    // Only the edge and Grafana are reachable from outside, and only from this machine.
    const published = Object.entries(compose.services).filter(([, s]: [string, any]) => s.ports);
    expect(published.map(([name]) => name).sort()).toEqual(['edge', 'grafana']);
    for (const [, s] of published as [string, any][]) for (const p of s.ports) expect(p).toMatch(/^127\.0\.0\.1:/);
  });

  it('no secret has a default: each must come from .env, and .env.example names every one with no value', () => {
    const references = [...raw.matchAll(REFERENCE)].map(([, name, operator]) => ({ name: name!, operator }));
    for (const { name, operator } of references) {
      expect({ name, operator }).toEqual({ name, operator: NOT_SECRET.includes(name) ? ':-' : ':?' });
    }
    expect(Object.keys(example).sort()).toEqual([...new Set(references.map((r) => r.name))].sort());
    for (const [name, value] of Object.entries(example))
      expect({ name, value }).toEqual({ name, value: NOT_SECRET.includes(name) ? value : '' });
    expect(() => interpolate(raw, { ...secrets, COOKIE_SECRET: '' })).toThrow(/COOKIE_SECRET/);
  });

  it('every variable given to the app is one it reads, and each app service starts in production', () => {
    for (const service of APP_SERVICES) {
      const env = appEnv(service);
      expect({ service, unknown: Object.keys(env).filter((n) => !SETTING_NAMES.includes(n)) }).toEqual({ service, unknown: [] });
      expect(env.NODE_ENV, service).toBe('production');
      expect(() => loadConfig(env), service).not.toThrow();
      expect(compose.services[service].command, service).toEqual([service]);
    }
  });

  it('requests go through PgBouncer in transaction mode; the owner goes to the primary directly', async () => {
    const ini = await readFile(new URL('pgbouncer/pgbouncer.ini', DIR), 'utf8');
    const setting = (name: string) => new RegExp(`^${name}\\s*=\\s*(.*)$`, 'm').exec(ini)?.[1]?.trim();
    const databases = (name: string) => new RegExp(`^${name}\\s*=\\s*host=(\\S+)`, 'm').exec(ini)?.[1];
    expect(setting('pool_mode')).toBe('transaction');
    for (const service of ['api', 'worker']) {
      const env = appEnv(service);
      const app = databaseTarget(env.DATABASE_APP_URL!);
      expect(app).toMatchObject({ host: 'pgbouncer', port: setting('listen_port') });
      expect(databases(app.database)).toBe('postgres-primary');
      const replica = databaseTarget(env.DATABASE_REPLICA_URL!);
      expect(replica).toMatchObject({ host: 'pgbouncer', port: setting('listen_port') });
      expect(databases(replica.database)).toBe('postgres-replica');
      expect(databaseTarget(env.DATABASE_URL!)).toMatchObject({ host: 'postgres-primary', port: '5432' });
    }
  });

  it("PgBouncer with the compose file's settings signs bwai_app in and keeps each transaction's tenant to itself", async () => {
    if (!installed('pgbouncer')) return;
    const database = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'bwai-pgbouncer-'));
    const server = databaseTarget(database.ownerUrl);
    const port = await freePort();
    // The same file with compose's host names and paths swapped for this machine's.
    const ini = (await readFile(new URL('pgbouncer/pgbouncer.ini', DIR), 'utf8'))
      .replace(
        /host=postgres-(primary|replica) port=5432 dbname=bwai/g,
        `host=${server.host} port=${server.port} dbname=${server.database}`,
      )
      .replace(/^listen_port = \d+$/m, `listen_port = ${port}`)
      .replace('/run/pgbouncer/userlist.txt', join(dir, 'userlist.txt'));
    await writeFile(join(dir, 'pgbouncer.ini'), ini);
    // What pgbouncer/entrypoint.sh writes from BWAI_APP_PASSWORD.
    await writeFile(join(dir, 'userlist.txt'), `"bwai_app" "${TEST_APP_PASSWORD}"\n`, { mode: 0o600 });
    // PgBouncer refuses to run as root: as root, it runs as postgres, as in its image.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      for (const file of ['', 'pgbouncer.ini', 'userlist.txt']) await chown(join(dir, file), Number(stdout), 0);
    }
    const bouncer = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
    const through = (db: string, password = TEST_APP_PASSWORD) =>
      new pg.Client({ host: '127.0.0.1', port, user: 'bwai_app', password, database: db });
    try {
      // A client that failed to connect cannot try again: a new one each time until PgBouncer listens.
      let client = through('bwai');
      await until(() =>
        client.connect().then(
          () => true,
          () => ((client = through('bwai')), false),
        ),
      );
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.clinic_id', gen_random_uuid()::text, true)`);
      await client.query('COMMIT');
      const { rows } = await client.query(`SELECT current_user AS role, current_setting('app.clinic_id', true) AS clinic`);
      expect(rows[0]).toEqual({ role: 'bwai_app', clinic: '' });
      await client.end();

      const replica = through('bwai_replica');
      await replica.connect();
      expect((await replica.query('SELECT current_database() AS db')).rows[0].db).toBe(server.database);
      await replica.end();

      await expect(through('bwai', 'not-the-password').connect()).rejects.toThrow(/authentication failed/);
    } finally {
      bouncer.kill();
      await rm(dir, { recursive: true, force: true });
      await database.drop();
    }
  });

  it('every file a service mounts or builds from exists', () => {
    const here = fileURLToPath(DIR);
    for (const [name, service] of Object.entries(compose.services) as [string, any][]) {
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(here, source)), `${name}: ${source}`).toBe(true);
      }
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      if (build) {
        expect(existsSync(join(here, build.context, build.dockerfile ?? 'Dockerfile')), name).toBe(true);
      }
    }
  });

  it('the scripts the containers run are valid shell', async () => {
    const scripts = ['postgres/init-primary.sh', 'postgres/replica-entrypoint.sh', 'pgbouncer/entrypoint.sh'];
    for (const script of scripts) await run('sh', ['-n', fileURLToPath(new URL(script, DIR))]);
    const pgbouncerImage = await readFile(new URL('pgbouncer/Dockerfile', DIR), 'utf8');
    expect(pgbouncerImage).toMatch(/^USER postgres$/m);
  });

  it('HAProxy balances both API replicas on their port and takes a node out when /readyz fails', async () => {
    const cfg = await readFile(new URL('haproxy/haproxy.cfg', DIR), 'utf8');
    expect(cfg).toMatch(/http-check send meth GET uri \/readyz\n/);
    expect(cfg).toContain(`server-template api ${compose.services.api.deploy.replicas} api:${defaultPorts().api}\n`);
    if (installed('haproxy')) await run('haproxy', ['-c', '-q', '-f', fileURLToPath(new URL('haproxy/haproxy.cfg', DIR))]);
  });

  it('the edge caches /assets/ only; everything else passes through unbuffered, and nginx accepts the file', async () => {
    const conf = await readFile(new URL('nginx/nginx.conf', DIR), 'utf8');
    const locations = Object.fromEntries(
      [...conf.matchAll(/location (\S+) \{([^}]*)\}/g)].map(([, path, body]) => [path!, body!]),
    );
    expect(Object.keys(locations).sort()).toEqual(['/', '/assets/']);
    expect(locations['/assets/']).toMatch(/proxy_cache edge;/);
    expect(locations['/']).toMatch(/proxy_cache off;/);
    expect(locations['/']).toMatch(/proxy_buffering off;/);
    expect(conf.match(/proxy_cache edge;/g)).toHaveLength(1);
    if (!installed('nginx')) return;
    // The balancer's name resolves only inside compose's network: check the same file pointed at this machine.
    const dir = await mkdtemp(join(tmpdir(), 'bwai-edge-'));
    try {
      const local = conf
        .replace('server haproxy:8080;', 'server 127.0.0.1:8080;')
        .replace('/var/cache/nginx/edge', join(dir, 'cache'));
      await writeFile(join(dir, 'nginx.conf'), local);
      await run('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Prometheus scrapes every API and worker replica on the ports they serve, with the shared alert rules', async () => {
    const [config] = await readYamlDocuments(new URL('prometheus/prometheus.yml', DIR));
    const ports = defaultPorts();
    const jobs = Object.fromEntries(config.scrape_configs.map((j: any) => [j.job_name, j.dns_sd_configs[0]]));
    expect(jobs).toEqual({
      'bwai-api': { names: ['api'], type: 'A', port: ports.api },
      'bwai-worker': { names: ['worker'], type: 'A', port: ports.metrics },
    });
    expect(compose.services.prometheus.volumes).toContain('../observability/alerts.yml:/etc/prometheus/alerts.yml:ro');
    expect(config.rule_files).toEqual(['alerts.yml']);
  });
});
