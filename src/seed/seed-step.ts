import type { Faker } from '@faker-js/faker';
import type { z } from 'zod';
import type { ClinicStatus } from '../clinics/clinic-schemas.ts';
import type { TierKey } from '../clinics/clinic-vocabulary.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { Role } from '../users/role-vocabulary.ts';
import type { SeededRandom } from './seed-random.ts';

// The seed steps' own names for the platform's words.
export type { Locale };
export type Tier = TierKey;

export interface SeededClinic {
  id: string;
  /** 1-based across every seeding run of the database; makes slugs and emails unique. */
  number: number;
  slug: string;
  tier: Tier;
  status: z.infer<typeof ClinicStatus>;
  locale: Locale;
  /** IANA zone: working hours and appointments are laid out in the clinic's wall-clock time. */
  timeZone: string;
  createdAt: Date;
}

/** A clinic account that is not a customer: owners, admins, staff and receptionists. */
export interface SeededStaffMember {
  id: string;
  clinicId: string;
  role: Exclude<Role, 'customer' | 'super_admin'>;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface SeededCustomer {
  id: string;
  clinicId: string;
  userId: string;
  fullName: string;
  email: string;
  phone: string | null;
  dateOfBirth: string | null;
  notes: string;
  createdAt: Date;
}

/** What the steps share: the options, the rows earlier steps made that later ones refer to. */
export interface SeedWorld {
  scale: { clinics: number; users: number; appointments: number };
  /** Rows already in the database when appending: numbering continues after them. */
  offset: { clinics: number; users: number };
  asOf: Date;
  passwordHash: string;
  /** Staff accounts allowed per tier (null: unlimited), read from subscription_tiers. */
  tierMaxUsers: Map<Tier, number | null>;
  /** An independent, repeatable stream per name: a new step does not shift the data of the others. */
  random(stream: string): SeededRandom;
  /** Name generators per locale, seeded per stream like `random`. */
  fakers(stream: string): Record<Locale, Faker>;
  clinics: SeededClinic[];
  staff: SeededStaffMember[];
  customers: SeededCustomer[];
}

/** The request cannot be met on this database (it is not empty, the role cannot write it, the data would not fit). */
export class SeedRefusedError extends Error {}

/**
 * One table's worth of seeding. Steps run in order in one transaction; a later issue adds a table
 * (treatments, appointments) by adding a step to SEED_STEPS that reads what earlier steps left in the world.
 */
export interface SeedStep {
  table: string;
  /** Known before the step starts, for the progress bar. */
  plannedRows(world: SeedWorld): number;
  write(world: SeedWorld, tx: Tx, progress: (rows: number) => void): Promise<number>;
}
