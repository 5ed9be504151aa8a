import { z } from 'zod';
import { ANALYSIS_PROVIDERS, type AnalysisProvider as AnalysisProviderKey } from '../config.ts';
import { PageQuery } from '../http/pagination.ts';
import { Email, FullName, Locale, NewPassword, Phone } from '../users/user-schemas.ts';
import type { ClinicLimits } from './clinic-limits.ts';
import { CUSTOMER_LIMIT_DEFAULTS } from './customer-limits.ts';
import { DEFAULT_SIGN_UP_POLICY, SIGN_UP_POLICIES } from './sign-up-policy.ts';
import type { ClinicListRow, ClinicRow } from './clinic-repo.ts';
import { CLINIC_STATUSES, TIERS } from './clinic-vocabulary.ts';

export const Tier = z.enum(TIERS);
export const ClinicStatus = z.enum(CLINIC_STATUSES);
export const AnalysisProvider = z.enum(ANALYSIS_PROVIDERS);

// Same rule as the clinics.slug CHECK constraint, so a bad slug is a 400 naming the field, not a 500.
export const ClinicSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$/,
    '3 to 63 lower-case letters, digits or dashes, not starting or ending with a dash',
  );
export const ClinicName = z.string().trim().min(1).max(200);

// Built once: the list of zones is long and does not change while the process runs.
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/**
 * The list holds one name per zone, and on Node 20 the older one (Asia/Saigon, Asia/Calcutta), so a
 * current IANA name (Asia/Ho_Chi_Minh, Asia/Kolkata) is accepted when Intl resolves it to a listed
 * zone. A listed name in the wrong case is refused rather than stored in two spellings.
 */
function isTimeZone(name: string): boolean {
  if (TIME_ZONES.has(name)) return true;
  let listed: string;
  try {
    listed = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  return TIME_ZONES.has(listed) && listed.toLowerCase() !== name.toLowerCase();
}
export const TimeZone = z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Asia/Bangkok');

/** What a clinic may keep in its settings; unknown keys are refused so typos do not pass silently. */
export const ClinicSettingsPatch = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as THB')
      .nullable(),
    contactPhone: Phone.nullable(),
    contactEmail: Email.nullable(),
    address: z.string().trim().min(1).max(500).nullable(),
    website: z
      .url({ protocol: /^https?$/ })
      .max(300)
      .nullable(),
    brandColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .nullable(),
    monthlyAnalysesPerCustomer: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .nullable()
      .meta({
        description: `Skin analyses one customer may take of the clinic's quota per month (default ${CUSTOMER_LIMIT_DEFAULTS.monthlyAnalysesPerCustomer}).`,
      }),
    maxUpcomingBookingsPerCustomer: z
      .number()
      .int()
      .min(1)
      .max(100)
      .nullable()
      .meta({
        description: `Future appointments a customer may hold when booking for themselves (default ${CUSTOMER_LIMIT_DEFAULTS.maxUpcomingBookingsPerCustomer}).`,
      }),
    photoRetentionMonths: z.number().int().min(1).max(120).nullable().meta({
      description: 'Delete the photos and heatmaps of analyses older than this many months (their scores stay); null keeps them.',
    }),
    signUpPolicy: z
      .enum(SIGN_UP_POLICIES)
      .nullable()
      .meta({
        description: `How customers join: open, email-verified (they cannot upload or book until their address is verified) or invitation-only (default ${DEFAULT_SIGN_UP_POLICY}).`,
      }),
    bookingLinkShared: z
      .boolean()
      .nullable()
      .meta({ description: "A manager has shared the clinic's booking link (ticks the getting-started checklist)." }),
  })
  .partial()
  .strict()
  .meta({ description: 'Keys to set; a key sent as null goes back to its default.' });

const DEFAULT_CURRENCY = 'THB';

export const ClinicSettings = z
  .object({
    currency: z.string(),
    contactPhone: z.string().optional(),
    contactEmail: z.string().optional(),
    address: z.string().optional(),
    website: z.string().optional(),
    brandColor: z.string().optional(),
    monthlyAnalysesPerCustomer: z.number().int(),
    maxUpcomingBookingsPerCustomer: z.number().int(),
    photoRetentionMonths: z.number().int().nullable(),
    signUpPolicy: z.enum(SIGN_UP_POLICIES),
    bookingLinkShared: z.boolean(),
  })
  .meta({ id: 'ClinicSettings' });
export type ClinicSettings = z.infer<typeof ClinicSettings>;

/**
 * Per-clinic limits set by a super admin; the whole object replaces the previous overrides, and a
 * key left out follows the tier again. null means unlimited, except for the request rate, which the
 * rate limiter needs as a number.
 */
export const QuotaOverrides = z
  .object({
    max_users: z.number().int().min(1).nullable(),
    monthly_analyses: z.number().int().min(0).nullable(),
    storage_bytes: z.number().int().min(0).nullable(),
    api_requests_per_minute: z.number().int().min(1),
  })
  .partial()
  .strict();
export type QuotaOverrides = z.infer<typeof QuotaOverrides>;

export const ClinicLimitsSchema = z
  .object({
    tier: z.string(),
    maxUsers: z.number().nullable(),
    monthlyAnalyses: z.number().nullable(),
    storageBytes: z.number().nullable(),
    apiRequestsPerMinute: z.number(),
  })
  .meta({ id: 'ClinicLimits' });

export const TierLimitsList = z.object({ items: z.array(ClinicLimitsSchema) });

const AnalysisProviderView = z.object({
  analysisProvider: AnalysisProvider.nullable().meta({
    description: "The clinic's own provider, set by a super admin; null follows the platform default.",
  }),
  effectiveAnalysisProvider: AnalysisProvider.meta({ description: "Where the clinic's skin analyses run now." }),
});

export const ClinicListQuery = PageQuery.extend({
  status: ClinicStatus.optional(),
  tier: Tier.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export const CreateClinicBody = z.object({
  slug: ClinicSlug,
  name: ClinicName,
  tier: Tier,
  status: ClinicStatus.default('trial'),
  timeZone: TimeZone.default('Asia/Bangkok'),
  locale: Locale.default('th'),
  owner: z.object({ email: Email, fullName: FullName, password: NewPassword }),
});

export const UpdateClinicBody = z
  .object({
    name: ClinicName,
    tier: Tier,
    status: ClinicStatus,
    quotaOverrides: QuotaOverrides,
    analysisProvider: AnalysisProvider.nullable().meta({
      description: "Where the clinic's skin analyses run; null follows the platform default.",
    }),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

// Strict: a platform-owned field (tier, analysisProvider) sent by a clinic's manager is refused, not
// silently dropped, so nobody believes they changed it.
export const UpdateOwnClinicBody = z
  .object({ name: ClinicName, timeZone: TimeZone, locale: Locale, settings: ClinicSettingsPatch })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

/** Who a clinic is, as every platform view names it. */
export const ClinicIdentity = z.object({ id: z.uuid(), slug: z.string(), name: z.string(), tier: Tier, status: ClinicStatus });

export function clinicIdentityOf(
  row: Pick<ClinicRow, 'id' | 'slug' | 'name' | 'tier' | 'status'>,
): z.infer<typeof ClinicIdentity> {
  return { id: row.id, slug: row.slug, name: row.name, tier: row.tier, status: row.status };
}

export const AdminClinic = z
  .object({
    ...ClinicIdentity.shape,
    isActive: z.boolean(),
    timeZone: z.string(),
    locale: Locale,
    ...AnalysisProviderView.shape,
    createdAt: z.iso.datetime(),
    activeStaffCount: z.number().int(),
    customerCount: z.number().int(),
  })
  .meta({ id: 'AdminClinic' });

export const AdminClinicDetail = AdminClinic.omit({ activeStaffCount: true, customerCount: true })
  .extend({
    settings: ClinicSettings,
    quotaOverrides: z.record(z.string(), z.number().nullable()),
    limits: ClinicLimitsSchema,
    usage: z.object({ activeUsers: z.number().int() }),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'AdminClinicDetail' });

export const CreatedClinic = z.object({ clinic: AdminClinicDetail, ownerId: z.uuid() });

/** A member's view of their clinic: customers see the public part; staff also see plan and settings. */
export const OwnClinic = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    timeZone: z.string(),
    locale: Locale,
    tier: Tier.optional(),
    status: ClinicStatus.optional(),
    settings: ClinicSettings.optional(),
    limits: ClinicLimitsSchema.optional(),
    ...AnalysisProviderView.partial().shape,
  })
  .meta({ id: 'OwnClinic' });

export const ClinicSummary = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    status: ClinicStatus,
    tier: Tier,
    timeZone: z.string(),
    locale: Locale,
  })
  .meta({ id: 'ClinicSummary' });
export type ClinicSummary = z.infer<typeof ClinicSummary>;

/** Stored settings with defaults filled in; keys this version does not know are left out. */
export function settingsOf(stored: Record<string, unknown>): ClinicSettings {
  const known = ClinicSettings.partial().parse(stored);
  return {
    ...CUSTOMER_LIMIT_DEFAULTS,
    photoRetentionMonths: null,
    signUpPolicy: DEFAULT_SIGN_UP_POLICY,
    bookingLinkShared: false,
    ...known,
    currency: known.currency ?? DEFAULT_CURRENCY,
  };
}

/** The clinic's own choice of provider, and the one its analyses use: that choice or the platform default. */
export function analysisProviderOf(
  choice: AnalysisProviderKey | null,
  platformDefault: AnalysisProviderKey,
): z.infer<typeof AnalysisProviderView> {
  return { analysisProvider: choice, effectiveAnalysisProvider: choice ?? platformDefault };
}

/** The fields every admin view of a clinic shares. */
function clinicBasics(row: Omit<ClinicListRow, 'active_staff_count' | 'customer_count'>, platformProvider: AnalysisProviderKey) {
  return {
    ...clinicIdentityOf(row),
    isActive: row.is_active,
    timeZone: row.time_zone,
    locale: row.locale,
    ...analysisProviderOf(row.analysis_provider, platformProvider),
    createdAt: row.created_at.toISOString(),
  };
}

export function toAdminClinic(row: ClinicListRow, platformProvider: AnalysisProviderKey): z.infer<typeof AdminClinic> {
  return {
    ...clinicBasics(row, platformProvider),
    activeStaffCount: row.active_staff_count,
    customerCount: row.customer_count,
  };
}

export function toAdminClinicDetail(d: {
  row: ClinicRow;
  limits: ClinicLimits;
  activeUsers: number;
  platformProvider: AnalysisProviderKey;
}): z.infer<typeof AdminClinicDetail> {
  const { row } = d;
  return {
    ...clinicBasics(row, d.platformProvider),
    settings: settingsOf(row.settings),
    quotaOverrides: row.quota_overrides,
    limits: d.limits,
    usage: { activeUsers: d.activeUsers },
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toClinicSummary(row: ClinicRow): ClinicSummary {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    tier: row.tier,
    timeZone: row.time_zone,
    locale: row.locale,
  };
}
