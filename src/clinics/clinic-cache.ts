import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { readThroughCache } from '../cache/read-through-cache.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CacheMetrics } from '../metrics/cache-metrics.ts';
import type { ClinicLimits } from './clinic-limits.ts';
import type { PublicClinicRow } from './clinic-lookup-repo.ts';
import type { ClinicRow } from './clinic-repo.ts';

/** A clinic as members' requests need it: the row and its effective limits. */
export interface ClinicRecord {
  row: ClinicRow;
  limits: ClinicLimits;
}

export interface ClinicKeys {
  id: string;
  slug: string;
}

export interface ClinicCache {
  /** The caller loads through its own tenant transaction; only the result is shared. */
  byId(id: string, load: () => Promise<ClinicRecord | undefined>): Promise<ClinicRecord | undefined>;
  bySlug(slug: string, load: () => Promise<PublicClinicRow | undefined>): Promise<PublicClinicRow | undefined>;
  /** Drops the clinic here and, through Redis, on every other node. Call it after the write has committed. */
  invalidate(clinic: ClinicKeys): Promise<void>;
}

/** The bus topic of clinic changes: other caches that hold something of a clinic listen to it too. */
export const CLINICS_TOPIC = 'clinics';

const MAX_ENTRIES = 5_000;

/** Read-through cache of clinics by id and by slug; absent clinics are not cached, so a new slug is found at once. */
export function createClinicCache({
  config,
  invalidations,
  log,
  metrics,
}: {
  config: Pick<Config, 'CLINIC_CACHE_SECONDS'>;
  invalidations: InvalidationBus;
  log: Logger;
  metrics: CacheMetrics;
}): ClinicCache {
  // The TTL is also the bound on staleness when an invalidation message is lost (Redis down) and for
  // changes made outside the clinic routes (a tier's default limits).
  const ttlMs = config.CLINIC_CACHE_SECONDS * 1000;
  const byId = readThroughCache<ClinicRecord>({
    max: MAX_ENTRIES,
    ttlMs,
    counted: (result) => metrics.lookup('clinics-by-id', result),
  });
  const bySlug = readThroughCache<PublicClinicRow>({
    max: MAX_ENTRIES,
    ttlMs,
    counted: (result) => metrics.lookup('clinics-by-slug', result),
  });
  invalidations.subscribe(CLINICS_TOPIC, {
    onMessage(message) {
      const keys = clinicKeysOf(message);
      if (!keys) return log.warn('ignored a malformed clinic invalidation message');
      byId.drop(keys.id);
      bySlug.drop(keys.slug);
    },
    onResync() {
      byId.clear();
      bySlug.clear();
    },
  });

  return {
    byId: (id, load) => byId.get(id, load),
    bySlug: (slug, load) => bySlug.get(slug.toLowerCase(), load),
    invalidate: ({ id, slug }) => invalidations.publish(CLINICS_TOPIC, { id, slug }),
  };
}

export function clinicKeysOf(message: unknown): ClinicKeys | undefined {
  const value = message as Partial<ClinicKeys> | null;
  return typeof value?.id === 'string' && typeof value.slug === 'string' ? { id: value.id, slug: value.slug } : undefined;
}
