import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { readThrough } from '../cache/read-through.ts';
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

const TOPIC = 'clinics';
const MAX_ENTRIES = 5_000;

/**
 * Read-through cache of clinics by id and by slug. Absent clinics are not cached, so a new slug is
 * found at once. A lookup that started before an invalidation does not store what it read: that row
 * may predate the write.
 */
export function createClinicCache({
  config,
  bus,
  log,
  metrics,
}: {
  config: Pick<Config, 'CLINIC_CACHE_SECONDS'>;
  bus: InvalidationBus;
  log: Logger;
  metrics: CacheMetrics;
}): ClinicCache {
  // The TTL is also the bound on staleness when an invalidation message is lost (Redis down) and for
  // changes made outside the clinic routes (a tier's default limits).
  const ttlMs = config.CLINIC_CACHE_SECONDS * 1000;
  const byId = readThrough<ClinicRecord>({ ttlMs, max: MAX_ENTRIES }, (result) => metrics.lookup('clinics-by-id', result));
  const bySlug = readThrough<PublicClinicRow>({ ttlMs, max: MAX_ENTRIES }, (result) => metrics.lookup('clinics-by-slug', result));
  const dropLocal = ({ id, slug }: ClinicKeys) => {
    byId.drop(id);
    bySlug.drop(slug);
  };

  bus.listen(TOPIC, {
    received(payload) {
      const keys = parseKeys(payload);
      if (keys) dropLocal(keys);
      else log.warn({ topic: TOPIC }, 'ignored a malformed clinic invalidation message');
    },
    resynced() {
      byId.clear();
      bySlug.clear();
    },
  });

  return {
    byId: (id, load) => byId.get(id, load),
    bySlug: (slug, load) => bySlug.get(slug.toLowerCase(), load),
    async invalidate(clinic) {
      dropLocal(clinic);
      await bus.publish(TOPIC, { id: clinic.id, slug: clinic.slug });
    },
  };
}

function parseKeys(payload: unknown): ClinicKeys | undefined {
  const value = (payload ?? {}) as Partial<ClinicKeys>;
  return typeof value.id === 'string' && typeof value.slug === 'string' ? { id: value.id, slug: value.slug } : undefined;
}
