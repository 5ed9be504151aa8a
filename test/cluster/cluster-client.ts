import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../../deploy/local/cluster.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { PASSWORD } from '../support/factories.ts';

export interface ClusterResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type ApiNode = 'api1' | 'api2';

/**
 * A browser-like client over real HTTP: keeps cookies and sends the CSRF token on writes. With
 * `node` it asks the balancer for that API process (HAProxy's `use-server` on X-Cluster-Node).
 */
export class ClusterClient {
  private cookies = new Map<string, string>();
  private csrfToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly node?: ApiNode,
  ) {}

  /** The same signed-in person, sending their requests to another node (or to either, without one). */
  on(node: ApiNode | undefined): ClusterClient {
    const other = new ClusterClient(this.baseUrl, node);
    other.cookies = this.cookies;
    other.csrfToken = this.csrfToken;
    return other;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown) => this.request('POST', path, body);
  patch = (path: string, body?: unknown) => this.request('PATCH', path, body);
  put = (path: string, body?: unknown) => this.request('PUT', path, body);

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      ...(this.node ? { 'x-cluster-node': this.node } : {}),
      ...extra,
    };
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ClusterResponse> {
    if (method !== 'GET' && !this.csrfToken) this.csrfToken = (await this.request('GET', '/api/auth/csrf')).body.token;
    const raw = Buffer.isBuffer(body);
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers({
        ...(method !== 'GET' ? { 'x-csrf-token': this.csrfToken! } : {}),
        ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders,
      }),
      body: body === undefined ? undefined : raw ? new Uint8Array(body as Buffer) : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const json = /json/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, headers: res.headers, body: json && text ? JSON.parse(text) : text };
  }
}

export async function signInThrough(baseUrl: string, email: string, node?: ApiNode): Promise<ClusterClient> {
  const client = new ClusterClient(baseUrl, node);
  const res = await client.post('/api/auth/sign-in', { email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}

export interface TestCluster {
  cluster: Cluster;
  /** Services and pools on the cluster's primary, to arrange data as a platform process would. */
  runtime: Runtime;
  stop(): Promise<void>;
}

/** A whole cluster in a temporary folder, and a runtime on its primary for the test's own setup. */
export async function startTestCluster(env: Record<string, string> = {}): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'bwai-cluster-'));
  // The suite signs in as super admins and owners to test the topology, not sign-in: production's
  // required second factor (tested on its own in test/auth and test/web) would hold them at enrolment.
  const cluster = await startCluster({ dir, env: { TWO_FACTOR_REQUIRED_ROLES: 'none', ...env } }).catch(
    async (error: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw error;
    },
  );
  const config = loadConfig({ ...cluster.appEnv, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const runtime = createRuntime(config, createLogger(config), cluster.urls.primary);
  let stopping: Promise<void> | undefined;
  return {
    cluster,
    runtime,
    stop: () =>
      (stopping ??= (async () => {
        await runtime.close();
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}

/** HAProxy's view of an API process: UP, DOWN, or a transition such as "UP 1/2". */
export async function balancerStatus(cluster: Cluster, server: ApiNode): Promise<string> {
  const csv = await (await fetch(`${cluster.urls.balancerStats};csv`)).text();
  const header = csv.split('\n')[0]!.replace(/^# /, '').split(',');
  const row = csv
    .split('\n')
    .map((line) => line.split(','))
    .find((cells) => cells[0] === 'api' && cells[1] === server);
  return row?.[header.indexOf('status')] ?? 'missing';
}

/**
 * The cluster's processes: each part, everything it forked (PostgreSQL's backends, nginx's worker),
 * and any process carrying the cluster's folder in its environment.
 */
export async function processesOf(cluster: Cluster): Promise<number[]> {
  const marker = `BWAI_CLUSTER_DIR=${cluster.dir}`;
  const parents = new Map<number, number>();
  const found = new Set<number>(Object.values(cluster.parts).flatMap((p) => (p.running() && p.pid ? [p.pid] : [])));
  for (const entry of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
    const pid = Number(entry);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // The parent pid is the second field after the command name, which is in parentheses.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent) parents.set(pid, parent);
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(marker)) found.add(pid);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents)
      if (!found.has(pid) && found.has(parent)) {
        found.add(pid);
        grew = true;
      }
  }
  return [...found];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
