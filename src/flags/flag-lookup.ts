import type pg from 'pg';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { readThroughCache } from '../cache/read-through-cache.ts';
import type { Config } from '../config.ts';
import { withTenant, type TenantScope } from '../db/tenant-transaction.ts';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';
import { listFlagDefaults, listFlags, type FeatureFlagRow, type FlagDefaultRow } from './flag-repo.ts';
import { clinicHasFeature, type ClinicFeature } from './clinic-features.ts';

/** A clinic's own flag rows and the platform-wide states, read together in one transaction. */
interface ClinicFlags {
  overrides: Map<string, FeatureFlagRow>;
  defaults: Map<string, FlagDefaultRow>;
}

export interface FlagLookup {
  /** Whether a clinic-wide feature is on for the scope's clinic; read on every request, so cached. */
  clinicHas(scope: TenantScope & { clinicId: string }, feature: ClinicFeature): Promise<boolean>;
  /** After a clinic's flag rows changed (committed): its answers are dropped on every node. */
  clinicChanged(clinicId: string): Promise<void>;
  /** After a platform-wide state changed (committed): every clinic's answers are dropped on every node. */
  defaultsChanged(): Promise<void>;
}

const TOPIC = 'feature-flags';
const MAX_ENTRIES = 5_000;

export function createFlagLookup({
  pool,
  config,
  bus,
  log,
  metrics,
}: {
  pool: pg.Pool;
  config: Pick<Config, 'CLINIC_CACHE_SECONDS'>;
  bus: InvalidationBus;
  log: Logger;
  metrics: CacheMetrics;
}): FlagLookup {
  // Same lifetime as the clinic cache: a flag is part of how the clinic is served, invalidated the same way.
  const byClinic = readThroughCache<ClinicFlags>({
    max: MAX_ENTRIES,
    ttlMs: config.CLINIC_CACHE_SECONDS * 1000,
    counted: (result) => metrics.lookup('feature-flags', result),
  });
  bus.subscribe(TOPIC, {
    onMessage(payload) {
      const clinicId = (payload as { clinicId?: unknown } | null)?.clinicId;
      if (typeof clinicId === 'string') byClinic.drop(clinicId);
      else if (clinicId === null) byClinic.clear();
      else log.warn({ topic: TOPIC }, 'ignored a malformed feature flag invalidation message');
    },
    onResync: () => byClinic.clear(),
  });

  // The bus drops this node's answers before telling the others.
  return {
    async clinicHas(scope, feature) {
      const clinicId = scope.clinicId;
      const flags = await byClinic.get(clinicId, () =>
        withTenant(
          pool,
          scope,
          async (tx) => ({
            overrides: new Map((await listFlags(tx, clinicId)).map((row) => [row.feature_key, row])),
            defaults: new Map((await listFlagDefaults(tx)).map((row) => [row.feature_key, row])),
          }),
          { readOnly: true },
        ),
      );
      return clinicHasFeature(feature, clinicId, flags!.overrides.get(feature), flags!.defaults.get(feature));
    },
    clinicChanged: (clinicId) => bus.publish(TOPIC, { clinicId }),
    defaultsChanged: () => bus.publish(TOPIC, { clinicId: null }),
  };
}
