import { Faker, base, en, th, zh_CN, type LocaleDefinition } from '@faker-js/faker';
import { hash } from '@node-rs/argon2';
import type pg from 'pg';
import { ANONYMOUS, withTenant } from '../db/tenant-transaction.ts';
import { analyzeTables, countExisting, mayWriteEveryClinic, ownerEmailOf, tierUserLimits } from './seed-repo.ts';
import { SeededRandom } from './seed-random.ts';
import { SeedRefusedError, type Locale, type SeedWorld } from './seed-step.ts';
import { SEED_STEPS } from './seed-steps.ts';

/** Every seeded account signs in with this. */
export const SEED_PASSWORD = 'seeded-clinic-password';
// Any fixed number: two seeders on one database take turns instead of both counting zero clinics.
const SEED_LOCK_KEY = 7_240_315_004;

export interface SeedOptions {
  clinics: number;
  users: number;
  /** Spread over the clinics' two-year appointment books. */
  appointments: number;
  seed: number;
  /** Add to a database that already has clinics, numbering after what is there. */
  append: boolean;
  /** Dates are drawn relative to this day, so a run on another day can repeat the same data. */
  asOf: Date;
}

export interface SeedProgress {
  stepStarted(table: string, plannedRows: number): void;
  rowsWritten(table: string, rows: number): void;
}

export interface StepResult {
  table: string;
  rows: number;
  seconds: number;
}

export interface SeedSummary {
  steps: StepResult[];
  seconds: number;
  offset: { clinics: number; users: number };
  /** An owner of an active seeded clinic, to sign in with. */
  sampleOwnerEmail: string | null;
}

const quiet: SeedProgress = { stepStarted: () => undefined, rowsWritten: () => undefined };

/**
 * Runs every seed step in one transaction on an owner connection: a failed or interrupted run leaves
 * nothing behind, so it can simply be run again.
 */
export async function seedDatabase(owner: pg.Pool, options: SeedOptions, progress: SeedProgress = quiet): Promise<SeedSummary> {
  const started = performance.now();
  // A salt drawn from the seed keeps even the hash repeatable; it is one shared, published password anyway.
  const passwordHash = await hash(SEED_PASSWORD, { salt: new SeededRandom(`${options.seed}/password`).bytes(16) });
  return withTenant(
    owner,
    ANONYMOUS,
    async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      if (!(await mayWriteEveryClinic(tx))) {
        throw new SeedRefusedError(
          'seeding writes every clinic directly and needs the connection that ran the migrations (or a superuser or BYPASSRLS role) (--database-url)',
        );
      }
      const offset = await countExisting(tx);
      if (offset.clinics > 0 && !options.append) {
        throw new SeedRefusedError(
          `the database already has ${offset.clinics} clinics: seed an empty database, or pass --append to add to it`,
        );
      }
      // The offsets are part of every stream's name, so an appended run draws new ids, not the first run's again.
      const streams = `${options.seed}/${offset.clinics}/${offset.users}`;
      const world: SeedWorld = {
        scale: { clinics: options.clinics, users: options.users, appointments: options.appointments },
        offset,
        asOf: options.asOf,
        passwordHash,
        tierMaxUsers: await tierUserLimits(tx),
        random: (stream) => new SeededRandom(`${streams}/${stream}`),
        fakers: (stream) => fakersFor(new SeededRandom(`${streams}/${stream}/names`)),
        clinics: [],
        staff: [],
        customers: [],
      };
      const steps: StepResult[] = [];
      for (const step of SEED_STEPS) {
        const stepStarted = performance.now();
        progress.stepStarted(step.table, step.plannedRows(world));
        const rows = await step.write(world, tx, (n) => progress.rowsWritten(step.table, n));
        steps.push({ table: step.table, rows, seconds: (performance.now() - stepStarted) / 1000 });
      }
      // Statistics now rather than when autovacuum comes round (a minute or more after the commit):
      // until then the first calendars would be planned as if the tables were empty. ~1.5 s at full scale.
      await analyzeTables(
        tx,
        SEED_STEPS.map((s) => s.table),
      );
      const sample = world.clinics.find((c) => c.status === 'active');
      return {
        steps,
        seconds: (performance.now() - started) / 1000,
        offset,
        sampleOwnerEmail: sample ? await ownerEmailOf(tx, sample.id) : null,
      };
    },
    // Batches take well under a second; the bound is for a database far slower than a laptop.
    { statementTimeoutMs: 120_000 },
  );
}

function fakersFor(random: SeededRandom): Record<Locale, Faker> {
  const make = (locale: LocaleDefinition[]) => {
    const faker = new Faker({ locale });
    faker.seed(random.uint32());
    return faker;
  };
  return { th: make([th, en, base]), en: make([en, base]), zh: make([zh_CN, en, base]) };
}
