import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { haproxyCfg, nginxConf, pgHba, pgbouncerIni, pgbouncerUsers } from './cluster-config.ts';
import {
  answers200,
  freePorts,
  isRunning,
  ownedFolder,
  postgresBinaries,
  program,
  runToEnd,
  serviceUser,
  signalGroup,
  startDaemon as startProgram,
  stopDaemon,
  waitUntil,
  type Daemon,
  type ServiceUser,
} from './cluster-parts.ts';

export { ClusterError } from './cluster-parts.ts';

export const PART_NAMES = [
  'primary',
  'replica',
  'pgbouncer',
  'redis',
  'api1',
  'api2',
  'worker1',
  'worker2',
  'haproxy',
  'nginx',
] as const;
export type PartName = (typeof PART_NAMES)[number];

/** One running piece of the cluster, which a test may kill and start again. */
export interface ClusterPart {
  readonly name: PartName;
  /** Where it listens, as a person would connect to it. */
  readonly address: string;
  readonly pid: number | undefined;
  running(): boolean;
  /** Sends `signal` to its process group and waits for it to exit (SIGKILL simulates a crash). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same ports and folders, and waits until it is ready. */
  start(): Promise<void>;
  restart(): Promise<void>;
}

export interface ClusterUrls {
  /** nginx, the caching CDN edge in front of the balancer. */
  edge: string;
  /** HAProxy over the two API processes. */
  balancer: string;
  balancerStats: string;
  api: string[];
  workerMetrics: string[];
  /** The owner role, straight to the primary (migrations, the job queue, LISTEN). */
  primary: string;
  /** The application role through PgBouncer in transaction mode. */
  pgbouncer: string;
  /** The owner role on the streaming replica. */
  replica: string;
  redis: string;
}

export interface Cluster {
  dir: string;
  urls: ClusterUrls;
  /** The environment every API and worker process runs with. */
  appEnv: Record<string, string>;
  parts: Record<PartName, ClusterPart>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Base folder of every data folder, configuration file and log. */
  dir: string;
  /** Extra environment for the API and worker processes (a fake AI provider, shorter timeouts). */
  env?: Record<string, string>;
  /** Told when each part starts and is ready, for a progress display. */
  onProgress?: (part: PartName | 'migrations', state: 'starting' | 'ready', elapsedMs: number) => void;
  /** Told when a part exits that was not stopped through the cluster (it crashed, or someone killed it). */
  onExit?: (part: PartName, code: number | null, signal: NodeJS.Signals | null) => void;
  /** Aborting it while the cluster starts stops what has started and rejects. */
  signal?: AbortSignal;
}

const DATABASE = 'bwai';
const DIR_MARKER = 'BWAI_CLUSTER_DIR';
const APP_ROLE = 'bwai_app';
const REPO_ROOT = resolve(import.meta.dirname, '../..');

interface Secrets {
  appPassword: string;
  cookieSecret: string;
  totpKey: string;
}

/**
 * Starts PostgreSQL (primary and a streaming replica), PgBouncer, Redis, two API processes, two
 * workers, HAProxy and nginx, each on a free port with its folder under `dir`, and resolves once
 * every one answers. On failure everything already started is stopped again.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = resolve(options.dir);
  const user = serviceUser();
  const pgBin = postgresBinaries();
  const bin = {
    postgres: join(pgBin, 'postgres'),
    initdb: join(pgBin, 'initdb'),
    basebackup: join(pgBin, 'pg_basebackup'),
    pgbouncer: program('pgbouncer', 'pgbouncer'),
    haproxy: program('haproxy', 'haproxy'),
    nginx: program('nginx', 'nginx'),
    redis: program('redis-server', 'redis-server'),
  };
  // A temporary folder is 0700: the service user must be able to pass through it to its own folders.
  await mkdir(dir, { recursive: true });
  if (user) await chmod(dir, 0o755);
  await killLeftovers(dir);
  const logs = await ownedFolder(join(dir, 'logs'), user);
  const logOf = (name: string) => join(logs, `${name}.log`);
  const secrets = await loadSecrets(dir);

  const [primaryPort, replicaPort, bouncerPort, redisPort, api1, api2, metrics1, metrics2, lbPort, statsPort, edgePort] =
    (await freePorts(11)) as [number, number, number, number, number, number, number, number, number, number, number];
  const appUrl = (port: number) =>
    `postgres://${APP_ROLE}:${encodeURIComponent(secrets.appPassword)}@127.0.0.1:${port}/${DATABASE}`;
  const urls: ClusterUrls = {
    edge: `http://127.0.0.1:${edgePort}`,
    balancer: `http://127.0.0.1:${lbPort}`,
    balancerStats: `http://127.0.0.1:${statsPort}/stats`,
    api: [api1, api2].map((p) => `http://127.0.0.1:${p}`),
    workerMetrics: [metrics1, metrics2].map((p) => `http://127.0.0.1:${p}`),
    primary: `postgres://postgres@127.0.0.1:${primaryPort}/${DATABASE}`,
    pgbouncer: appUrl(bouncerPort),
    replica: `postgres://postgres@127.0.0.1:${replicaPort}/${DATABASE}`,
    redis: `redis://127.0.0.1:${redisPort}`,
  };
  const storageDir = join(dir, 'storage');
  await mkdir(storageDir, { recursive: true });
  const appEnv: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    COOKIE_SECRET: secrets.cookieSecret,
    TOTP_ENCRYPTION_KEY: secrets.totpKey,
    DATABASE_URL: urls.primary,
    DATABASE_APP_URL: urls.pgbouncer,
    // Debian's PgBouncer 1.18 cannot keep a named statement with its client in transaction mode.
    DATABASE_PREPARED_STATEMENTS: 'off',
    DATABASE_APP_PASSWORD: secrets.appPassword,
    // The replica pool signs in as the application role (the owner in the URL is replaced).
    DATABASE_REPLICA_URL: urls.replica,
    REDIS_URL: urls.redis,
    RUN_MIGRATIONS: 'false',
    DEMO_DATA: 'off',
    STORAGE_DIR: storageDir,
    // Every proxy of this cluster (nginx, HAProxy) is on this machine.
    TRUST_PROXY: '127.0.0.1/32',
    ...options.env,
  };

  const started = Date.now();
  const progress = (part: PartName | 'migrations', state: 'starting' | 'ready') => {
    options.signal?.throwIfAborted();
    options.onProgress?.(part, state, Date.now() - started);
  };
  const daemons = new Map<PartName, Daemon>();
  const pidsFile = join(dir, 'pids.json');
  const savePids = () =>
    writeFile(pidsFile, JSON.stringify(Object.fromEntries([...daemons].map(([name, d]) => [name, d.child.pid])))).catch(
      () => undefined,
    );

  // Each part: how to start it, how to know it is ready, and which signal stops it cleanly.
  const specs: Record<PartName, PartSpec> = {
    primary: {
      address: `127.0.0.1:${primaryPort}`,
      stopSignal: 'SIGINT', // PostgreSQL's fast shutdown: roll back open transactions, then stop.
      launch: () => postgresDaemon('primary', join(dir, 'primary'), primaryPort),
      // The maintenance database: the application's own may not exist yet.
      ready: () => postgresAnswers(urls.primary.replace(`/${DATABASE}`, '/postgres'), false),
    },
    replica: {
      address: `127.0.0.1:${replicaPort}`,
      stopSignal: 'SIGINT',
      launch: () => postgresDaemon('replica', join(dir, 'replica'), replicaPort),
      ready: () => postgresAnswers(urls.replica, true),
    },
    pgbouncer: {
      address: `127.0.0.1:${bouncerPort}`,
      stopSignal: 'SIGTERM', // SIGINT would wait for every client to leave.
      launch: () =>
        startDaemon('pgbouncer', bin.pgbouncer, [join(dir, 'pgbouncer', 'pgbouncer.ini')], {
          user,
          logFile: logOf('pgbouncer'),
        }),
      ready: () => postgresAnswers(urls.pgbouncer, false),
    },
    redis: {
      address: `127.0.0.1:${redisPort}`,
      stopSignal: 'SIGTERM',
      launch: () =>
        startDaemon(
          'redis',
          bin.redis,
          ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', join(dir, 'redis')],
          { logFile: logOf('redis') },
        ),
      ready: () => redisAnswers(redisPort),
    },
    api1: apiSpec('api1', api1),
    api2: apiSpec('api2', api2),
    worker1: workerSpec('worker1', metrics1),
    worker2: workerSpec('worker2', metrics2),
    haproxy: {
      address: urls.balancer,
      stopSignal: 'SIGTERM',
      launch: () =>
        startDaemon('haproxy', bin.haproxy, ['-db', '-f', join(dir, 'haproxy', 'haproxy.cfg')], { logFile: logOf('haproxy') }),
      ready: () => answers200(`${urls.balancer}/readyz`),
    },
    nginx: {
      address: urls.edge,
      stopSignal: 'SIGQUIT', // nginx's graceful stop: finish the requests in flight.
      launch: () =>
        startDaemon('nginx', bin.nginx, ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-g', 'daemon off;'], {
          logFile: logOf('nginx'),
        }),
      ready: () => answers200(`${urls.edge}/readyz`),
    },
  };

  function apiSpec(name: PartName, port: number): PartSpec {
    return {
      address: `http://127.0.0.1:${port}`,
      stopSignal: 'SIGTERM',
      launch: () => nodeProcess(name, 'api', { PORT: String(port), METRICS_PORT: 'off' }),
      ready: () => answers200(`http://127.0.0.1:${port}/readyz`),
    };
  }
  function workerSpec(name: PartName, metricsPort: number): PartSpec {
    return {
      address: `metrics http://127.0.0.1:${metricsPort}`,
      stopSignal: 'SIGTERM',
      launch: () => nodeProcess(name, 'worker', { METRICS_PORT: String(metricsPort) }),
      ready: () => answers200(`http://127.0.0.1:${metricsPort}/healthz`),
    };
  }
  function nodeProcess(name: PartName, mode: 'api' | 'worker', env: Record<string, string>): Daemon {
    return startDaemon(name, process.execPath, ['--import', 'tsx', 'src/main.ts', mode], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...appEnv, ...env },
      logFile: logOf(name),
    });
  }
  function postgresDaemon(name: PartName, dataDir: string, port: number): Daemon {
    const settings = ['port=' + port, 'listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=300'];
    return startDaemon(name, bin.postgres, ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])], {
      user,
      logFile: logOf(name),
    });
  }

  // Every process carries the base folder in its environment, so a later run can find it (killLeftovers).
  function startDaemon(...[name, command, args, opts]: Parameters<typeof startProgram>): Daemon {
    return startProgram(name, command, args, { ...opts, env: { ...(opts.env ?? process.env), [DIR_MARKER]: dir } });
  }

  const parts = {} as Record<PartName, ClusterPart>;
  // Daemons stopped on purpose; any other exit is reported through onExit.
  const stopped = new WeakSet<Daemon>();
  for (const name of PART_NAMES) {
    const spec = specs[name];
    const startPart = async () => {
      // A second copy on the same port and folder would only fail, or worse, share the data folder.
      if (parts[name].running()) return;
      progress(name, 'starting');
      const daemon = spec.launch();
      daemons.set(name, daemon);
      void daemon.exited.then(() => {
        if (!stopped.has(daemon)) options.onExit?.(name, daemon.child.exitCode, daemon.child.signalCode);
      });
      await savePids();
      await waitUntil(name, spec.ready, { daemon, logFile: logOf(name), signal: options.signal });
      progress(name, 'ready');
    };
    parts[name] = {
      name,
      address: spec.address,
      get pid() {
        return daemons.get(name)?.child.pid;
      },
      running: () => {
        const d = daemons.get(name);
        return d !== undefined && isRunning(d);
      },
      kill: async (signal = spec.stopSignal) => {
        const d = daemons.get(name);
        if (!d) return;
        stopped.add(d);
        await stopDaemon(d, signal);
      },
      start: startPart,
      restart: async () => {
        await parts[name].kill();
        await startPart();
      },
    };
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // The reverse of the start: the edge first, the database last, so nothing loses what it depends on mid-stop.
      for (const name of [...PART_NAMES].reverse()) await parts[name].kill();
      await rm(pidsFile, { force: true });
    })());

  try {
    await mkdir(join(dir, 'redis'), { recursive: true });
    await mkdir(join(dir, 'haproxy'), { recursive: true });
    // nginx's workers write its cache and temporary files as the service user.
    await ownedFolder(join(dir, 'nginx'), user);
    await Promise.all([preparePrimary(), parts.redis.start()]);
    progress('migrations', 'starting');
    // `migrate` applies the migrations and gives the application role its login and password.
    await runToEnd(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
      env: { ...process.env, ...appEnv, DATABASE_APP_URL: '', DATABASE_REPLICA_URL: '', LOG_LEVEL: 'warn' },
      logFile: logOf('migrations'),
    });
    progress('migrations', 'ready');
    await Promise.all([prepareReplica(), preparePgbouncer()]);
    await Promise.all([parts.api1.start(), parts.api2.start(), parts.worker1.start(), parts.worker2.start()]);
    await writeFile(join(dir, 'haproxy', 'haproxy.cfg'), haproxyCfg({ port: lbPort, statsPort, apiPorts: [api1, api2] }));
    await parts.haproxy.start();
    await writeFile(
      join(dir, 'nginx', 'nginx.conf'),
      nginxConf({ port: edgePort, balancerPort: lbPort, dir: join(dir, 'nginx'), user: user && `${user.name} ${user.name}` }),
    );
    await parts.nginx.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, urls, appEnv, parts, stop };

  async function preparePrimary(): Promise<void> {
    const dataDir = join(dir, 'primary');
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await rm(dataDir, { recursive: true, force: true });
      await ownedFolder(dataDir, user, 0o700);
      await runToEnd(bin.initdb, ['-D', dataDir, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8'], {
        user,
        logFile: logOf('primary'),
      });
    }
    await writeFile(join(dataDir, 'pg_hba.conf'), pgHba());
    if (user) await chownFile(join(dataDir, 'pg_hba.conf'), user);
    await parts.primary.start();
    const client = new pg.Client({ connectionString: urls.primary.replace(`/${DATABASE}`, '/postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!exists.rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  }

  // The replica is copied afresh on every start: a copy of an earlier run may have fallen behind
  // what the primary still keeps of its write-ahead log.
  async function prepareReplica(): Promise<void> {
    const dataDir = join(dir, 'replica');
    await rm(dataDir, { recursive: true, force: true });
    await ownedFolder(dataDir, user, 0o700);
    await runToEnd(
      bin.basebackup,
      ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'],
      { user, logFile: logOf('replica') },
    );
    await parts.replica.start();
  }

  async function preparePgbouncer(): Promise<void> {
    const folder = await ownedFolder(join(dir, 'pgbouncer'), user, 0o700);
    const authFile = join(folder, 'users.txt');
    await writeFile(authFile, pgbouncerUsers(APP_ROLE, secrets.appPassword), { mode: 0o600 });
    await writeFile(
      join(folder, 'pgbouncer.ini'),
      pgbouncerIni({ port: bouncerPort, primaryPort, database: DATABASE, authFile }),
    );
    if (user) for (const f of ['users.txt', 'pgbouncer.ini']) await chownFile(join(folder, f), user);
    await parts.pgbouncer.start();
  }
}

interface PartSpec {
  address: string;
  stopSignal: NodeJS.Signals;
  launch(): Daemon;
  ready(): Promise<boolean>;
}

function chownFile(path: string, user: ServiceUser): Promise<void> {
  return chown(path, user.uid, user.gid);
}

/** The secrets of this base folder, made once so a restarted cluster keeps its sessions and password. */
async function loadSecrets(dir: string): Promise<Secrets> {
  const file = join(dir, 'secrets.json');
  const made = {
    appPassword: randomBytes(18).toString('base64url'),
    cookieSecret: randomBytes(32).toString('base64url'),
    totpKey: randomBytes(32).toString('hex'),
  };
  const kept = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Partial<Secrets>,
    () => ({}),
  );
  // A folder made before a secret existed keeps its others and gains the new one.
  const secrets = { ...made, ...kept };
  if (Object.keys(kept).length < Object.keys(made).length) await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/**
 * A run that was killed (SIGKILL of the script, a closed terminal) leaves its daemons behind, holding
 * the data folders: their process groups are ended before anything starts again.
 */
async function killLeftovers(dir: string): Promise<void> {
  let pids: Record<string, number>;
  try {
    pids = JSON.parse(await readFile(join(dir, 'pids.json'), 'utf8')) as Record<string, number>;
  } catch {
    return;
  }
  for (const pid of Object.values(pids)) {
    // Only a process of this folder's run: a reused pid belongs to someone else. (PostgreSQL may
    // overwrite its environment with its process title; its command line names the data folder.)
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')).split('\0');
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (environ.includes(`${DIR_MARKER}=${dir}`) || cmdline.some((arg) => arg.startsWith(`${dir}/`))) signalGroup(pid, 'SIGKILL');
  }
  await new Promise((r) => setTimeout(r, 300));
}

async function postgresAnswers(url: string, standby: boolean): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return rows[0]!.standby === standby;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(port: number): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } finally {
    redis.disconnect();
  }
}
