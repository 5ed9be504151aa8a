import sharp from 'sharp';
import pg from 'pg';
import { CONSENT_VERSION } from '../src/analysis/consent-text.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { loadConfig } from '../src/config.ts';
import { enableAppRoleLogin } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogger } from '../src/logger.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';

/** The analysis benchmarks run on scratch databases of the server that DATABASE_URL names. */
export function benchServerUrl(bench: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error(`${bench}: set DATABASE_URL to a server where scratch databases may be created`);
  return url;
}

/**
 * A freshly created and migrated database named `name`, with a started runtime on it; both are gone
 * when `work` returns. `env` is added to the process environment for the runtime's config.
 */
export async function withScratchRuntime<T>(
  name: string,
  env: Record<string, string>,
  work: (runtime: Runtime, databaseUrl: string) => Promise<T>,
): Promise<T> {
  const admin = new pg.Client({ connectionString: benchServerUrl(name) });
  await admin.connect();
  const url = new URL(benchServerUrl(name));
  url.pathname = `/${name}`;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', ...env, DATABASE_URL: url.toString() });
    const log = createLogger(config);
    const runtime = createRuntime(config, log, url.toString());
    try {
      await migrate(runtime.db.owner, log);
      await enableAppRoleLogin(runtime.db.owner, config.DATABASE_APP_PASSWORD);
      await runtime.start();
      return await work(runtime, url.toString());
    } finally {
      await runtime.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export interface BenchClinic {
  clinicId: string;
  customerId: string;
  owner: { id: string; email: string; password: string };
}

/** An enterprise clinic (no analysis quota) with an owner who can sign in and one consenting customer. */
export async function createBenchClinic(runtime: Runtime, slug: string): Promise<BenchClinic> {
  const owner = { email: `owner@${slug}.example.com`, password: `${slug}-owner-password` };
  const {
    rows: [clinic],
  } = await runtime.db.owner.query<{ id: string }>(
    // One bench customer uploads every photo: the per-customer allowance is lifted so it measures the queue, not the limit.
    `INSERT INTO clinics (slug, name, tier, status, settings) VALUES ($1, $1, 'enterprise', 'active', '{"monthlyAnalysesPerCustomer": 10000}') RETURNING id`,
    [slug],
  );
  const {
    rows: [user],
  } = await runtime.db.owner.query<{ id: string }>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name) VALUES ($1, $2, $3, 'clinic_owner', 'Bench Owner') RETURNING id`,
    [clinic!.id, owner.email, await hashPassword(owner.password)],
  );
  const {
    rows: [customer],
  } = await runtime.db.owner.query<{ id: string }>(
    `INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Bench Customer') RETURNING id`,
    [clinic!.id],
  );
  const actor = { userId: user!.id, clinicId: clinic!.id, role: 'clinic_owner' as const };
  await runtime.services.analyses.grantConsent(
    actor,
    { customerId: customer!.id, version: CONSENT_VERSION, locale: 'en' },
    { ip: null, userAgent: slug },
  );
  return { clinicId: clinic!.id, customerId: customer!.id, owner: { id: user!.id, ...owner } };
}

/**
 * `count` photos that differ by a brightness step too small to change an analysis: the same photo
 * twice would be answered with its existing analysis instead of being analysed again.
 */
export function distinctPhotos(faces: Buffer[], count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(faces[i % faces.length]!)
        .modulate({ brightness: 1 + Math.floor(i / faces.length) * 0.002 })
        .jpeg({ quality: 92 })
        .toBuffer(),
    ),
  );
}
