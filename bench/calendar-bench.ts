import { loadavg } from 'node:os';
import { DateTime } from 'luxon';
import { findCalendarEntry, listCalendar } from '../src/appointments/appointment-repo.ts';
import { findSlots } from '../src/availability/slot-finder.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase, enableAppRoleLogin, type Database } from '../src/db/database.ts';
import { withTenant, type TenantScope, type Tx } from '../src/db/tenant-transaction.ts';
import { createLogger } from '../src/logger.ts';
import { findTreatment } from '../src/treatments/treatment-repo.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { busiestWeeks, type BusiestWeek } from './busiest-week.ts';
import { fail, notSeededMessage, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round, summarise, timed } from './timing.ts';

// A clinic's week calendar, as the app serves it (withTenant + listCalendar as the application role,
// RLS on), on a seeded database; against a baseline measured the same way in the same run: one
// appointment by primary key through the same path. Also the week's availability for one treatment.
const TARGET_MS = 20;

const {
  iterations,
  warmup,
  'slot-iterations': slotIterations,
  'database-url': databaseUrl,
} = benchOptions('calendar bench', {
  numbers: { iterations: 1000, warmup: 100, 'slot-iterations': 200 },
  strings: ['database-url'],
});
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const url = seededDatabaseUrl('calendar bench', databaseUrl);
const log = createLogger(config);
const db = createDatabase(url, config, log);

/** A clinic, measured on its busiest week. */
interface Subject extends BusiestWeek {
  label: string;
  slug: string;
  timeZone: string;
  appointments: number;
  ownerId: string;
}

try {
  const totals = await seededTotals(db.owner);
  if (totals.appointments === 0) {
    fail(notSeededMessage('calendar bench', url));
  }
  // As main.ts does: without an explicit app URL the application role signs in with the configured password.
  if (!config.DATABASE_APP_URL) await enableAppRoleLogin(db.owner, config.DATABASE_APP_PASSWORD);
  const subjects = await pickSubjects(db);
  const results = [];
  for (const subject of subjects) results.push(await measure(db, subject));
  print(totals, results);
  await writeBenchReport('calendar', { ...totals, iterations, warmup, slotIterations, targetMs: TARGET_MS, results });
} finally {
  await db.close();
}

/** The busiest clinic and the median one (by appointments), each with its busiest week. */
async function pickSubjects(database: Database): Promise<Subject[]> {
  const { rows: ranked } = await database.owner.query<{ clinic_id: string; n: number }>(
    `SELECT clinic_id, count(*)::int AS n FROM appointments GROUP BY clinic_id ORDER BY n DESC, clinic_id`,
  );
  const picks = [
    { label: 'busiest clinic', ...ranked[0]! },
    { label: 'median clinic', ...ranked[Math.floor(ranked.length / 2)]! },
  ];
  const weeks = await busiestWeeks(
    database.owner,
    picks.map((p) => p.clinic_id),
  );
  const subjects: Subject[] = [];
  for (const pick of picks) {
    const { rows } = await database.owner.query<Pick<Subject, 'slug' | 'timeZone' | 'ownerId'>>(
      `SELECT c.slug, c.time_zone AS "timeZone",
              (SELECT id FROM users WHERE clinic_id = c.id AND role = 'clinic_owner' ORDER BY created_at LIMIT 1) AS "ownerId"
       FROM clinics c WHERE c.id = $1`,
      [pick.clinic_id],
    );
    subjects.push({ label: pick.label, appointments: pick.n, ...rows[0]!, ...weeks.get(pick.clinic_id)! });
  }
  return subjects;
}

async function measure(database: Database, s: Subject) {
  const scope: TenantScope = { clinicId: s.clinicId, userId: s.ownerId, role: 'clinic_owner' };
  const from = DateTime.fromISO(s.monday, { zone: s.timeZone });
  const filter = { from: from.toJSDate(), until: from.plus({ weeks: 1 }).toJSDate() };
  // The same calls the appointment service makes for GET /api/appointments and GET /api/appointments/:id.
  const calendar = () => withTenant(database.app, scope, (tx) => listCalendar(tx, s.clinicId, filter), { readOnly: true });
  const byId = () => withTenant(database.app, scope, (tx) => findCalendarEntry(tx, s.clinicId, s.appointmentId));
  // And for GET /api/appointments/slots: the treatment, then everything availability depends on.
  const slotQuery = {
    clinicId: s.clinicId,
    timeZone: s.timeZone,
    fromDate: s.monday,
    toDate: from.plus({ days: 6 }).toISODate()!,
    now: from.minus({ days: 1 }).toJSDate(),
  };
  const slots = () =>
    withTenant(
      database.app,
      scope,
      async (tx) => findSlots(tx, { ...slotQuery, treatment: (await findTreatment(tx, s.clinicId, s.treatmentId))! }),
      { readOnly: true },
    );

  const rows = (await calendar()).length;
  const slotCount = (await slots()).length;
  for (let i = 0; i < warmup; i++) {
    await calendar();
    await byId();
    await slots();
  }
  const calendarMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // Alternating, so that both see the same moments of a shared machine.
    if (i % 2 === 0) {
      calendarMs.push(await timed(calendar));
      baselineMs.push(await timed(byId));
    } else {
      baselineMs.push(await timed(byId));
      calendarMs.push(await timed(calendar));
    }
  }
  const slotMs: number[] = [];
  for (let i = 0; i < slotIterations; i++) slotMs.push(await timed(slots));
  const calendarTiming = summarise(calendarMs);
  const baselineTiming = summarise(baselineMs);
  const treatment = await database.owner.query<{ name: string; duration_minutes: number }>(
    'SELECT coalesce(name_en, name_th, name_zh) AS name, duration_minutes FROM treatments WHERE id = $1',
    [s.treatmentId],
  );
  return {
    label: s.label,
    clinic: { id: s.clinicId, slug: s.slug, timeZone: s.timeZone, appointments: s.appointments },
    week: { from: filter.from.toISOString(), until: filter.until.toISOString() },
    calendar: { rows, ...calendarTiming },
    baseline: { query: 'one appointment by id (findCalendarEntry)', ...baselineTiming },
    ratioP50: round(calendarTiming.p50 / baselineTiming.p50),
    ratioP99: round(calendarTiming.p99 / baselineTiming.p99),
    underTarget: calendarTiming.p99 < TARGET_MS,
    plan: await explainCalendar(database, scope, s.clinicId, filter),
    slots: {
      treatment: treatment.rows[0]!.name,
      durationMinutes: treatment.rows[0]!.duration_minutes,
      slots: slotCount,
      ...summarise(slotMs),
    },
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the very statement listCalendar sends: the repository runs against a
 * transaction whose query() puts EXPLAIN in front, so the plan cannot drift from the code.
 */
async function explainCalendar(database: Database, scope: TenantScope, clinicId: string, filter: { from: Date; until: Date }) {
  const output = await withTenant(
    database.app,
    scope,
    async (tx) => {
      const explaining = {
        query: (text: string, params?: unknown[]) => tx.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, params),
      } as Tx;
      return (await listCalendar(explaining, clinicId, filter)) as unknown as {
        'QUERY PLAN': [{ Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }];
      }[];
    },
    { readOnly: true },
  );
  const top = output[0]!['QUERY PLAN'][0];
  const nodes: string[] = [];
  const walk = (n: PlanNode, depth: number) => {
    const on = n['Relation Name']
      ? ` on ${n['Relation Name']}${n.Alias && n.Alias !== n['Relation Name'] ? ` ${n.Alias}` : ''}`
      : '';
    // The RLS policy's (SELECT current_clinic_id()) shows up as an InitPlan, evaluated once per query.
    const subplan = n['Subplan Name'] ? `${n['Subplan Name']}: ` : '';
    nodes.push(
      `${'  '.repeat(depth)}${subplan}${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${on} (rows ${n['Actual Rows']} x ${n['Actual Loops']})`,
    );
    for (const child of n.Plans ?? []) walk(child, depth + 1);
  };
  walk(top.Plan, 0);
  const indexes = new Set<string>();
  const collect = (n: PlanNode) => {
    if (n['Index Name']) indexes.add(n['Index Name']);
    (n.Plans ?? []).forEach(collect);
  };
  collect(top.Plan);
  return {
    planningMs: top['Planning Time'],
    executionMs: top['Execution Time'],
    sharedHitBlocks: top.Plan['Shared Hit Blocks'],
    sharedReadBlocks: top.Plan['Shared Read Blocks'],
    indexes: [...indexes],
    nodes,
  };
}

function print(totals: { clinics: number; appointments: number }, results: Awaited<ReturnType<typeof measure>>[]): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const ms = (v: number) => v.toFixed(2);
  const table: string[][] = [['case', 'rows', 'p50 ms', 'p95 ms', 'p99 ms', 'x baseline (p50)']];
  for (const r of results) {
    table.push([
      `${r.label}: appointment by id (baseline)`,
      '1',
      ms(r.baseline.p50),
      ms(r.baseline.p95),
      ms(r.baseline.p99),
      '1.0',
    ]);
    table.push([
      `${r.label}: week calendar`,
      n(r.calendar.rows),
      ms(r.calendar.p50),
      ms(r.calendar.p95),
      ms(r.calendar.p99),
      r.ratioP50.toFixed(1),
    ]);
    table.push([
      `${r.label}: week of slots, ${r.slots.durationMinutes} min treatment`,
      `${n(r.slots.slots)} slots`,
      ms(r.slots.p50),
      ms(r.slots.p95),
      ms(r.slots.p99),
      (r.slots.p50 / r.baseline.p50).toFixed(1),
    ]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  const out = [
    '',
    `calendar bench: ${n(totals.appointments)} appointments in ${n(totals.clinics)} clinics; ${n(iterations)} warm iterations (${n(slotIterations)} for slots), as the application role through withTenant; load average ${loadavg()[0]!.toFixed(2)}`,
    '',
    line(table[0]!),
    ...table.slice(1).map(line),
    '',
  ];
  for (const r of results) {
    out.push(
      `${r.label} (${r.clinic.slug}, ${n(r.clinic.appointments)} appointments), week from ${r.week.from}: p99 ${ms(r.calendar.p99)} ms, target ${TARGET_MS} ms ${r.underTarget ? 'met' : 'MISSED'}`,
      `  plan: execution ${ms(r.plan.executionMs)} ms, planning ${ms(r.plan.planningMs)} ms, buffers hit ${n(r.plan.sharedHitBlocks)} read ${n(r.plan.sharedReadBlocks)}; indexes: ${r.plan.indexes.join(', ')}`,
      ...r.plan.nodes.map((node) => `    ${node}`),
      '',
    );
  }
  out.push('written: bench/results/calendar.json', '');
  process.stdout.write(out.join('\n'));
}
