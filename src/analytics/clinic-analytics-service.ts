import type pg from 'pg';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '../audit/audit-log.ts';
import { unsafeWithPlatformAccess, type PlatformActor, type TenantScope } from '../db/tenant-transaction.ts';
import { encodeOpaqueCursor, invalidCursor, readOpaqueCursor } from '../http/pagination.ts';
import type { AnalyticsCache } from './analytics-cache.ts';
import { clinicPerformance, type PerformanceQuery } from './clinic-analytics-repo.ts';
import {
  toClinicPerformance,
  toPlatformPerformance,
  type ClinicAnalyticsPage,
  type ClinicAnalyticsQuery,
} from './clinic-analytics-schemas.ts';
import { CLINIC_METRICS, SORT_ORDERS, type ClinicMetric, type SortOrder } from './clinic-metric-vocabulary.ts';

// A cursor names the order it was cut from: used with another one it would skip or repeat clinics.
const Cursor = z.object({
  sort: z.enum(CLINIC_METRICS),
  order: z.enum(SORT_ORDERS),
  value: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullable(),
  id: z.uuid(),
});

export function createClinicAnalyticsService({
  primary,
  replica,
  cache,
  clock = () => new Date(),
}: {
  primary: pg.Pool;
  replica: pg.Pool;
  cache: AnalyticsCache<ClinicAnalyticsPage>;
  clock?: () => Date;
}) {
  const scopeOf = (reader: PlatformActor): TenantScope => ({ clinicId: null, userId: reader.userId, role: reader.role });

  async function compute(
    reader: PlatformActor,
    query: ClinicAnalyticsQuery,
    after: PerformanceQuery['after'],
    now: Date,
  ): Promise<ClinicAnalyticsPage> {
    // Read-mostly and cross-clinic: the replica takes it, so a dashboard never competes with bookings.
    const { totals, clinics } = await unsafeWithPlatformAccess(
      replica,
      scopeOf(reader),
      (tx) =>
        clinicPerformance(tx, {
          period: 'days' in query.period ? { days: query.period.days, now } : query.period,
          sort: query.sort,
          order: query.order,
          after,
          limit: query.limit + 1,
        }),
      { readOnly: true },
    );
    const page = clinics.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      period:
        'days' in query.period
          ? { days: query.period.days, from: null, to: null }
          : { ...query.period, days: daysOf(query.period) },
      computedAt: totals.computed_at.toISOString(),
      totals: toPlatformPerformance(totals),
      items: page.map(toClinicPerformance),
      nextCursor: clinics.length > query.limit && last ? encodeCursor(query.sort, query.order, last.sort_value, last.id) : null,
    };
  }

  return {
    /**
     * Every clinic's figures for a period, a page at a time, with the platform's totals. A page is
     * computed at most once per cache lifetime (and per node at a time); every call, served from the
     * cache or not, is audited on the primary before the figures are returned.
     */
    async clinicPerformance(reader: PlatformActor, query: ClinicAnalyticsQuery, meta: RequestMeta): Promise<ClinicAnalyticsPage> {
      const after = decodeCursor(query.cursor, query.sort, query.order);
      const now = clock();
      // A "last N days" page is of the hour it was asked in: each clinic's today moves on at its own midnight.
      const period =
        'days' in query.period
          ? `last-${query.period.days}:${now.toISOString().slice(0, 13)}`
          : `${query.period.from}:${query.period.to}`;
      const key = ['clinic-performance', period, query.sort, query.order, query.limit, query.cursor ?? ''].join(':');
      const page = await cache.get(key, () => compute(reader, query, after, now));
      await unsafeWithPlatformAccess(primary, scopeOf(reader), (tx) =>
        recordAudit(
          tx,
          {
            clinicId: null,
            actorUserId: reader.userId,
            actorRole: reader.role,
            action: 'analytics.clinic_performance',
            metadata: {
              ...page.period,
              sort: query.sort,
              order: query.order,
              cursor: query.cursor ?? null,
              computedAt: page.computedAt,
            },
          },
          meta,
        ),
      );
      return page;
    },
  };
}

export type ClinicAnalyticsService = ReturnType<typeof createClinicAnalyticsService>;

const DAY_MS = 86_400_000;
const daysOf = ({ from, to }: { from: string; to: string }) => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

function encodeCursor(sort: ClinicMetric, order: SortOrder, value: string | null, id: string): string {
  return encodeOpaqueCursor({ sort, order, value, id } satisfies z.infer<typeof Cursor>);
}

function decodeCursor(cursor: string | undefined, sort: ClinicMetric, order: SortOrder): PerformanceQuery['after'] {
  if (!cursor) return null;
  const position = readOpaqueCursor(cursor, Cursor);
  if (!position || position.sort !== sort || position.order !== order)
    throw invalidCursor('The cursor is not valid for this sort and order; start again without it.');
  return { value: position.value, id: position.id };
}
