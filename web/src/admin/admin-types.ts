import type { z } from 'zod';
import type { ClinicMetric, SortOrder } from '../../../src/analytics/clinic-metric-vocabulary.ts';
import type { ClinicAnalyticsPage, ClinicAnalyticsQuery } from '../../../src/analytics/clinic-analytics-schemas.ts';
import type { AuditLogEntry } from '../../../src/audit/audit-schemas.ts';
import type { TierKey } from '../../../src/clinics/clinic-vocabulary.ts';
import type {
  AdminClinic,
  AdminClinicDetail,
  AnalysisProvider,
  ClinicStatus,
  CreateClinicBody,
  CreatedClinic,
  QuotaOverrides,
  UpdateClinicBody,
} from '../../../src/clinics/clinic-schemas.ts';
import type {
  AdminFeatureFlag,
  FeatureFlagDefault as FeatureFlagDefaultSchema,
  SetFeatureBody,
  SetFlagDefaultBody,
} from '../../../src/flags/flag-schemas.ts';

export type { ClinicMetric, SortOrder };
export type PerformancePage = z.output<typeof ClinicAnalyticsPage>;
export type PerformanceQuery = Pick<z.input<typeof ClinicAnalyticsQuery>, 'from' | 'to' | 'sort' | 'order'> & { days?: number };
export type ClinicPerformance = PerformancePage['items'][number];
export type PlatformPerformance = PerformancePage['totals'];

export type { TierKey };
export type ClinicStatusKey = z.output<typeof ClinicStatus>;
export type AnalysisProviderKey = z.output<typeof AnalysisProvider>;
export type ClinicListItem = z.output<typeof AdminClinic>;
export type ClinicDetail = z.output<typeof AdminClinicDetail>;
export type NewClinic = z.input<typeof CreateClinicBody>;
export type CreatedClinic = z.output<typeof CreatedClinic>;
export type ClinicChange = z.input<typeof UpdateClinicBody>;
export type QuotaOverrideSet = z.input<typeof QuotaOverrides>;
export type FeatureFlag = z.output<typeof AdminFeatureFlag>;
export type FeatureSetting = z.input<typeof SetFeatureBody>;
export type FeatureFlagDefault = z.output<typeof FeatureFlagDefaultSchema>;
export type FlagDefaultSetting = z.input<typeof SetFlagDefaultBody>;
export type AuditEntry = z.output<typeof AuditLogEntry>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// Records keyed by the server's enums, in the order the admin pages list them: adding a status or provider
// there fails the type check here until the UI offers it too.
const STATUS_KEYS: Record<ClinicStatusKey, true> = { trial: true, active: true, suspended: true, cancelled: true };
const PROVIDER_KEYS: Record<AnalysisProviderKey, true> = { local: true, openai: true };

export const CLINIC_STATUSES = Object.keys(STATUS_KEYS) as ClinicStatusKey[];
export const ANALYSIS_PROVIDERS = Object.keys(PROVIDER_KEYS) as AnalysisProviderKey[];
