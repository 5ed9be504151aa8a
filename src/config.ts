import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from './users/role-vocabulary.ts';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const cidrList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  )
  .refine((cidrs) => cidrs.every(isCidr), 'a comma-separated list of addresses with prefix lengths (10.0.0.0/8, ::1/128)');

const TRUST_PROXY_CHOICES =
  'false, a number of proxy hops in front of the app (1 behind one load balancer), or a comma-separated list of proxy addresses or CIDRs';

/**
 * Which X-Forwarded-For entries to believe. Never `true`: that takes the left-most entry, which any
 * client can write, so a per-address limit would count whatever address the client names.
 */
const trustProxy = z.string().transform((value, ctx): false | number | string[] => {
  const v = value.trim();
  if (v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const proxies = v.split(',').map((p) => p.trim());
  if (proxies.every(isAddressOrCidr)) return proxies;
  ctx.addIssue({
    code: 'custom',
    message:
      v === 'true' || v === '1'
        ? `${TRUST_PROXY_CHOICES}; true would believe any X-Forwarded-For a client sends`
        : TRUST_PROXY_CHOICES,
  });
  return z.NEVER;
});

function isAddressOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const roleList = z
  .string()
  .transform((v) => (v.trim() === 'none' ? [] : v.split(',').map((r) => r.trim())))
  .refine(
    (roles): roles is Role[] => roles.every((r) => (ROLES as readonly string[]).includes(r)),
    `none, or a comma-separated list of roles (${ROLES.join(', ')})`,
  );

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'a postgres:// connection URL');

/** Where a clinic's skin analyses run: the built-in analyser, or OpenAI's vision API. */
export const ANALYSIS_PROVIDERS = ['local', 'openai'] as const;
export type AnalysisProvider = (typeof ANALYSIS_PROVIDERS)[number];

// Built-in values that let a laptop start with no setup; production refuses every one of them.
const LOCAL_APP_PASSWORD = 'bwai-app-local-only';
const LOCAL_COOKIE_SECRET = 'local-development-cookie-secret-0123456789';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Connections the kernel holds for the API before it accepts them; net.core.somaxconn caps it. Node's 511
  // overflowed under a thousand connections opened at once, and each dropped one retries after 1, 3, 7 s.
  LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65535).default(4096),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: trustProxy.default(false),
  // "off": no /metrics and nothing counted per request or per query (what the observability bench compares against).
  METRICS: z.enum(['on', 'off']).default('on'),
  // Who may read /metrics: a scraper with this bearer token, or any caller from these networks.
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_ALLOW: cidrList.default(['127.0.0.1/32', '::1/128']),
  // A worker process (`npm run worker`) serves /metrics and /healthz on this port; "off" serves nothing.
  METRICS_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).default(9464),
  // Unhandled errors and 5xx answers go to Sentry when a DSN is set; nothing of the SDK is loaded otherwise.
  SENTRY_DSN: z.url().optional(),
  SENTRY_ENVIRONMENT: z.string().min(1).optional(),
  // The release an error is filed under; RELEASE is the name deploy tooling often sets already.
  SENTRY_RELEASE: z.string().min(1).optional(),
  RELEASE: z.string().min(1).optional(),
  // Every process publishes its figures to Redis this often for the super admin's System page.
  SYSTEM_SNAPSHOT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  // Statements and API requests slower than these are logged with their timings.
  SLOW_QUERY_MS: z.coerce.number().int().min(0).default(500),
  SLOW_REQUEST_MS: z.coerce.number().int().min(0).default(1000),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_REPLICA_URL: postgresUrl.optional(),
  // A replica that cannot be reached is left alone this long (its reads go to the primary meanwhile).
  DATABASE_REPLICA_RETRY_MS: z.coerce.number().int().min(100).default(10_000),
  DATABASE_APP_URL: postgresUrl.optional(),
  DATABASE_APP_PASSWORD: z.string().min(8).default(LOCAL_APP_PASSWORD),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  DATABASE_POOL_IDLE_MS: z.coerce.number().int().min(1000).default(30_000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  // Load shedding: a request that would queue behind this many others for a connection of the request pools,
  // or has waited this long for one, is answered 503 overloaded with Retry-After instead of waiting on.
  DATABASE_POOL_QUEUE_LIMIT: z.coerce.number().int().min(0).default(200),
  DATABASE_POOL_WAIT_MS: z.coerce.number().int().min(10).default(500),
  LOAD_SHED_EVENT_LOOP_DELAY_MS: z.union([z.literal('off'), z.coerce.number().int().min(1)]).default(250),
  // Named (prepared) statements on the app and replica pools: planned once per connection. Turn off
  // behind PgBouncer in transaction mode before 1.21, or without its max_prepared_statements.
  DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
  EMBEDDED_DB_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65535).default(0),

  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), 'a redis:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().default('bwai:'),
  // Also how stale a clinic performance dashboard may be: a cached page is never refreshed early.
  ANALYTICS_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // How long a node keeps a clinic (and its feature flags) without asking the database: writes drop it at once
  // on every node through Redis, so this only bounds staleness when Redis is away.
  CLINIC_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Reads that are the same for everyone in a clinic (the treatment catalogue): fresh for RESPONSE_CACHE_SECONDS,
  // then served stale while one reload runs for up to RESPONSE_CACHE_STALE_SECONDS more.
  RESPONSE_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RESPONSE_CACHE_STALE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),

  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  // A session unused for this long is over, however long its lifetime still runs.
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
  // How long a node trusts a session it has looked up. Revocations reach every node at once over Redis;
  // this bounds the staleness only when a message is lost (Redis away), so keep it a few seconds. 0: off.
  // Check every response against its route's zod schema before it is sent: the tests turn it on; in
  // production the compiled serializer writes what the schema lists, unchecked.
  RESPONSE_VALIDATION: z.enum(['on', 'off']).default('off'),
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  COOKIE_SECRET: z.string().min(32).optional(),
  // Per account from one address; per address across accounts; per account from addresses that never
  // signed in to it (how an address becomes known: SIGN_IN_KNOWN_ADDRESS_DAYS). See sign-in-throttle.ts.
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  SIGN_IN_MAX_FAILURES_FROM_NEW_ADDRESSES: z.coerce.number().int().min(1).default(20),
  // At most 24: a per-process counter expires by a Node timer, which holds no more than 24.8 days.
  SIGN_IN_KNOWN_ADDRESS_DAYS: z.coerce.number().int().min(1).max(24).default(14),
  SIGN_IN_LOCKOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),

  // Live progress streams: each ends after SSE_MAX_SECONDS (the browser reconnects by itself), one user
  // holds at most SSE_MAX_STREAMS_PER_USER per process, and the session is checked on every heartbeat.
  SSE_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  SSE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(5),
  SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),

  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), 'an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('Beauty with AI Precision <no-reply@localhost>'),
  EMAIL_VERIFICATION_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  PASSWORD_RESET_MINUTES: z.coerce.number().int().min(5).max(1440).default(30),
  INVITATION_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  // AES-256-GCM key for the TOTP secrets kept in the database: a copy of the database alone gives no one's codes.
  // The AES key is the SHA-256 of this value (openssl rand -hex 32 gives a good one).
  TOTP_ENCRYPTION_KEY: z.string().min(32).optional(),
  // Roles that must turn on two-factor sign-in before anything else; "none" for no one.
  TWO_FACTOR_REQUIRED_ROLES: roleList.optional(),
  // Email and LINE notices that fail are retried with exponential backoff from this first delay.
  NOTIFICATION_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  // The LINE Messaging API; each clinic stores its own channel access token.
  LINE_API_URL: z.url().default('https://api.line.me'),

  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4.1-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),

  ANALYSIS_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  // Clinic members are limited by their clinic's plan; everyone else (signed out, super admins) per address.
  API_REQUESTS_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).default(600),
  // One signed-in user's share of their clinic's per-minute limit, but never less than the floor.
  API_USER_SHARE: z.coerce.number().gt(0).max(1).default(0.2),
  API_USER_MIN_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  ANALYSIS_DEFAULT_PROVIDER: z.enum(ANALYSIS_PROVIDERS).default('local'),

  DEMO_DATA: z.enum(['auto', 'on', 'off']).default('auto'),
  RUN_MIGRATIONS: booleanFlag.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  // pg-boss 10 has no heartbeat: a job whose worker died runs again only once it has expired and
  // maintenance has seen it, so both bound how long a crashed worker's photo waits.
  JOB_MAINTENANCE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  ANALYSIS_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(3600).default(150),

  // The built web app (npm run build:web); the API serves it when the folder holds an index.html.
  WEB_DIST_DIR: z.string().min(1).default('web/dist'),

  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_DIR: z.string().min(1).default('.data/storage'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanFlag.optional(),
  // An upload is held in memory while it is checked, so the ceiling stays well below a worker's heap.
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  UPLOAD_MAX_PIXELS: z.coerce.number().int().min(1_000_000).max(268_402_689).default(50_000_000),
});

export type Config = z.infer<typeof EnvSchema> & {
  cookieSecret: string;
  totpKey: Buffer;
  twoFactorRequiredRoles: readonly Role[];
};

/** Production asks the platform's and the clinics' holders for a second factor; a laptop demo does not. */
const PRODUCTION_TWO_FACTOR_ROLES: readonly Role[] = ['super_admin', 'clinic_owner'];

/** Every environment variable the app reads; deploy files are checked against it, as a misspelt name is silently ignored. */
export const SETTING_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

export class ConfigError extends Error {}

/** Parses the environment once; a wrong value stops start-up with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`invalid ${name}: expected ${describeIssue(issue)}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') assertNoLocalDefaults(config);
  if (config.STORAGE_DRIVER === 's3' && !config.S3_BUCKET) {
    throw new ConfigError('invalid S3_BUCKET: expected a bucket name (required when STORAGE_DRIVER is s3)');
  }
  if (!config.S3_ACCESS_KEY_ID !== !config.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError('invalid S3_SECRET_ACCESS_KEY: expected it together with S3_ACCESS_KEY_ID, or neither');
  }
  if (config.ANALYSIS_DEFAULT_PROVIDER === 'openai' && !config.OPENAI_API_KEY) {
    throw new ConfigError('invalid OPENAI_API_KEY: expected an API key (required when ANALYSIS_DEFAULT_PROVIDER is openai)');
  }
  // Outside production a fixed secret keeps sessions valid across restarts of a laptop demo.
  const cookieSecret = config.COOKIE_SECRET ?? LOCAL_COOKIE_SECRET;
  return {
    ...config,
    cookieSecret,
    // Outside production the key follows the cookie secret, so a laptop needs no setup (production requires its own).
    totpKey: config.TOTP_ENCRYPTION_KEY
      ? createHash('sha256').update(config.TOTP_ENCRYPTION_KEY).digest()
      : createHash('sha256').update(`totp-secret-key:${cookieSecret}`).digest(),
    twoFactorRequiredRoles:
      config.TWO_FACTOR_REQUIRED_ROLES ?? (config.NODE_ENV === 'production' ? PRODUCTION_TWO_FACTOR_ROLES : []),
  };
}

// Anyone who reads this repository knows the built-in values: in production they would be open doors.
function assertNoLocalDefaults(config: z.infer<typeof EnvSchema>): void {
  if (!config.COOKIE_SECRET) {
    throw new ConfigError('invalid COOKIE_SECRET: expected at least 32 characters (required in production)');
  }
  if (config.COOKIE_SECRET === LOCAL_COOKIE_SECRET) {
    throw new ConfigError('invalid COOKIE_SECRET: expected a secret of your own, not the built-in development value');
  }
  if (!config.TOTP_ENCRYPTION_KEY) {
    throw new ConfigError('invalid TOTP_ENCRYPTION_KEY: expected at least 32 characters (required in production)');
  }
  const appPasswordUsed = !config.DATABASE_APP_URL || config.DATABASE_REPLICA_URL !== undefined;
  const appUrlPassword = config.DATABASE_APP_URL ? decodeURIComponent(new URL(config.DATABASE_APP_URL).password) : '';
  if ((appPasswordUsed && config.DATABASE_APP_PASSWORD === LOCAL_APP_PASSWORD) || appUrlPassword === LOCAL_APP_PASSWORD) {
    throw new ConfigError(
      `invalid ${appUrlPassword === LOCAL_APP_PASSWORD ? 'DATABASE_APP_URL' : 'DATABASE_APP_PASSWORD'}: expected a password of your own for bwai_app, not the built-in local one`,
    );
  }
  if (config.DEMO_DATA === 'on') {
    throw new ConfigError(
      'invalid DEMO_DATA: expected off or auto (demo accounts with published passwords are refused in production)',
    );
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? `at least ${issue.minimum} characters` : `a number >= ${issue.minimum}`;
    case 'too_big':
      return `a number <= ${issue.maximum}`;
    case 'invalid_type':
      return `a ${issue.expected}`;
    default:
      return issue.message;
  }
}

function isCidr(cidr: string): boolean {
  const [address = '', prefix, ...rest] = cidr.split('/');
  const family = isIP(address);
  return family !== 0 && rest.length === 0 && /^\d+$/.test(prefix ?? '') && Number(prefix) <= (family === 4 ? 32 : 128);
}
