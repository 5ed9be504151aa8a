import { loadavg } from 'node:os';
import { DateTime } from 'luxon';
import pg from 'pg';
import { listAnalyses } from '../src/analysis/analysis-repo.ts';
import { findCalendarEntry, listCalendar, listForCustomer } from '../src/appointments/appointment-repo.ts';
import { listCustomers } from '../src/customers/customer-repo.ts';
import { APP_ROLE } from '../src/db/database.ts';
import { withTenant, type TenantScope, type Tx } from '../src/db/tenant-transaction.ts';
import { countActiveStaffSeats, listClinicStaff } from '../src/staff/staff-repo.ts';
import { STAFF_ROLES } from '../src/users/role-vocabulary.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { busiestWeeks, type BusiestWeek } from './busiest-week.ts';
import { fail, notSeededMessage, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round, summarise, type Timing } from './timing.ts';

// What row-level security costs the tenant queries the app runs, on a seeded database, for its busiest
// clinics. Each statement is taken from its repository function as sent, then run three ways, each in a
// withTenant transaction (the clinic, user and role set as the app sets them):
//   rlsOnly: as the application role, RLS on, the statement's own `clinic_id = $1` removed: RLS alone filters;
//   app:     as the application role, RLS on, the statement as the app sends it: the clinic enforced twice;
//   rlsOff:  the baseline, the same statement as the superuser with row_security = off, so that a policy
//            still applying would fail the run instead of being measured.
// The statement is timed on its own: parse, planning, execution and the round trip. All three run on one
// server connection (SET LOCAL ROLE takes the application role), because two backends on a shared
// machine differ by more than RLS costs; they are interleaved, their order rotating, so all three see
// the same moments of the machine.
const TARGET_RATIO = 1.2;
const EXPLAIN_RUNS = 21;

const {
  clinics: clinicCount,
  iterations,
  warmup,
  'database-url': databaseUrl,
} = benchOptions('rls overhead bench', {
  numbers: { clinics: 3, iterations: 500, warmup: 30 },
  strings: ['database-url'],
});
const url = seededDatabaseUrl('rls overhead bench', databaseUrl);
const server = new pg.Pool({ connectionString: url, max: 1, application_name: 'bwai-bench-rls-overhead' });

const VARIANTS = ['rlsOnly', 'app', 'rlsOff'] as const;
type Variant = (typeof VARIANTS)[number];
const VARIANT_NAMES: Record<Variant, string> = {
  rlsOnly: '(a) RLS only',
  app: '(b) app: filter + RLS',
  rlsOff: '(c) RLS off',
};
const short = (v: Variant) => VARIANT_NAMES[v].slice(0, 3);
const TAKE_VARIANT: Record<Variant, string> = {
  rlsOnly: `SET LOCAL ROLE ${APP_ROLE}`,
  app: `SET LOCAL ROLE ${APP_ROLE}`,
  rlsOff: 'SET LOCAL row_security = off',
};

/** A clinic, measured on its busiest week. */
interface Subject extends BusiestWeek {
  slug: string;
  timeZone: string;
  appointments: number;
  ownerId: string;
  /** The customer with the most visits, and a word of their name to search for. */
  customerId: string;
  searchTerm: string;
}

interface TenantQuery {
  name: string;
  source: string;
  run: (tx: Tx) => Promise<unknown>;
}

interface Statement {
  text: string;
  params: unknown[];
}

const startLoad = loadavg().map(round);
try {
  const totals = await seededTotals(server);
  if (totals.appointments === 0) {
    fail(notSeededMessage('rls overhead bench', url));
  }
  await requireBenchRole();
  const subjects = await busiestClinics(clinicCount);
  process.stdout.write(
    `rls overhead bench: ${n(totals.appointments)} appointments, ${n(totals.users)} users in ${n(totals.clinics)} clinics; ` +
      `${subjects.length} busiest clinic(s), ${n(iterations)} iterations per variant after ${n(warmup)} warm-up; load average ${startLoad[0]!.toFixed(2)}\n`,
  );
  const results = [];
  for (const [i, subject] of subjects.entries()) {
    process.stdout.write(`\nclinic ${i + 1}/${subjects.length}: ${subject.slug} (${n(subject.appointments)} appointments)\n`);
    const scope: TenantScope = { clinicId: subject.clinicId, userId: subject.ownerId, role: 'clinic_owner' };
    const queries = [];
    for (const query of tenantQueries(subject)) queries.push(await measure(scope, subject.clinicId, query));
    results.push({ clinic: { id: subject.clinicId, slug: subject.slug, appointments: subject.appointments }, queries });
  }
  const endLoad = loadavg().map(round);
  print(results, endLoad);
  await writeBenchReport('rls-overhead', {
    loadAverage: { start: startLoad, end: endLoad },
    ...totals,
    iterations,
    warmup,
    targetRatio: TARGET_RATIO,
    baseline:
      'the same statement in the same withTenant transaction as the superuser with row_security = off; the others as the application role (SET LOCAL ROLE), on the same connection',
    results,
  });
} finally {
  await server.end();
}

/**
 * The signed-in role must both leave RLS off and take the application role. A table owner's policy
 * USING (true) is still a policy, evaluated like any other (and with row_security = off the owner's
 * queries fail): only a superuser or a BYPASSRLS role gives RLS off.
 */
async function requireBenchRole(): Promise<void> {
  const { rows } = await server.query<{ role: string; bypasses: boolean; becomesApp: boolean }>(
    `SELECT current_user AS role, rolsuper OR rolbypassrls AS bypasses, pg_has_role(current_user, $1, 'MEMBER') AS "becomesApp"
     FROM pg_roles WHERE rolname = current_user`,
    [APP_ROLE],
  );
  const { role, bypasses, becomesApp } = rows[0]!;
  if (!bypasses || !becomesApp) {
    fail(
      `rls overhead bench: ${role} must bypass row-level security (superuser or BYPASSRLS) and be able to SET ROLE ${APP_ROLE}. Pass a --database-url that signs in as a superuser.`,
    );
  }
}

async function busiestClinics(count: number): Promise<Subject[]> {
  const { rows } = await server.query<Omit<Subject, keyof BusiestWeek> & { clinicId: string }>(
    `WITH ranked AS (SELECT clinic_id, count(*)::int AS n FROM appointments GROUP BY clinic_id ORDER BY n DESC, clinic_id LIMIT $1)
     SELECT c.id AS "clinicId", c.slug, c.time_zone AS "timeZone", r.n AS appointments,
            (SELECT id FROM users WHERE clinic_id = c.id AND role = 'clinic_owner' ORDER BY created_at, id LIMIT 1) AS "ownerId",
            visitor.customer_id AS "customerId",
            (SELECT split_part(full_name, ' ', array_length(string_to_array(full_name, ' '), 1)) FROM customers WHERE id = visitor.customer_id) AS "searchTerm"
     FROM ranked r
     JOIN clinics c ON c.id = r.clinic_id
     CROSS JOIN LATERAL (SELECT a.customer_id FROM appointments a WHERE a.clinic_id = c.id
                         GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) visitor
     ORDER BY r.n DESC, c.id`,
    [count],
  );
  const weeks = await busiestWeeks(
    server,
    rows.map((r) => r.clinicId),
  );
  return rows.map((r) => ({ ...r, ...weeks.get(r.clinicId)! }));
}

/** Per clinic, the reads behind the pages staff open most, with the parameters their routes use by default. */
function tenantQueries(s: Subject): TenantQuery[] {
  const from = DateTime.fromISO(s.monday, { zone: s.timeZone });
  const week = { from: from.toJSDate(), until: from.plus({ weeks: 1 }).toJSDate() };
  const page = { after: null, limit: 25 };
  return [
    { name: 'customers page', source: 'listCustomers', run: (tx) => listCustomers(tx, s.clinicId, page) },
    {
      name: 'customer search',
      source: `listCustomers (q: ${s.searchTerm})`,
      run: (tx) => listCustomers(tx, s.clinicId, { ...page, q: s.searchTerm }),
    },
    { name: 'week calendar', source: 'listCalendar', run: (tx) => listCalendar(tx, s.clinicId, week) },
    { name: 'appointment by id', source: 'findCalendarEntry', run: (tx) => findCalendarEntry(tx, s.clinicId, s.appointmentId) },
    {
      name: "customer's past visits",
      source: 'listForCustomer',
      run: (tx) => listForCustomer(tx, s.clinicId, s.customerId, 'past', week.until, 50),
    },
    {
      name: "customer's analyses",
      source: 'listAnalyses',
      run: (tx) => listAnalyses(tx, s.clinicId, { customerId: s.customerId, ...page }),
    },
    {
      name: 'staff page',
      source: 'listClinicStaff',
      run: (tx) => listClinicStaff(tx, s.clinicId, { roles: STAFF_ROLES, includeDisabled: false, ...page }),
    },
    { name: 'active staff seats (count)', source: 'countActiveStaffSeats', run: (tx) => countActiveStaffSeats(tx, s.clinicId) },
    // No repository counts one clinic's appointments by status yet; a dashboard would, and it is the
    // aggregate over the most rows a clinic has, so the bench times it too.
    {
      name: 'appointments by status (count)',
      source: 'bench only',
      run: (tx) =>
        tx.query(`SELECT status, count(*)::int AS n FROM appointments WHERE clinic_id = $1 GROUP BY status ORDER BY status`, [
          s.clinicId,
        ]),
    },
  ];
}

/** A read-only withTenant transaction, as the application role or (rlsOff) with RLS off. */
function inVariant<T>(variant: Variant, scope: TenantScope, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(
    server,
    scope,
    async (tx) => {
      await tx.query(TAKE_VARIANT[variant]);
      return work(tx);
    },
    { readOnly: true },
  );
}

/** The one statement a repository function sends, recorded while it runs as the app would run it. */
async function statementOf(scope: TenantScope, query: TenantQuery): Promise<Statement> {
  const sent: Statement[] = [];
  await inVariant('app', scope, (tx) =>
    query.run({
      query: (text: string, params?: unknown[]) => {
        sent.push({ text, params: params ?? [] });
        return tx.query(text, params);
      },
    } as Tx),
  );
  if (sent.length !== 1) fail(`rls overhead bench: ${query.source} sent ${sent.length} statements; one was expected`);
  return sent[0]!;
}

/**
 * The statement with its own clinic filter gone, RLS left as the only filter. `$1::uuid IS NOT NULL`
 * keeps $1 typed (an unreferenced parameter is an error); the statement is planned with its
 * parameters' values, so the planner folds it to true and the plan carries no trace of it.
 */
function withoutClinicFilter(statement: Statement, clinicId: string): Statement {
  if (statement.params[0] !== clinicId) fail('rls overhead bench: a statement without the clinic as $1');
  const text = statement.text.replace(/\b(?:\w+\.)?clinic_id = \$1(?!\d)/g, '$$1::uuid IS NOT NULL');
  if (text === statement.text) fail(`rls overhead bench: no clinic filter to remove in:\n${statement.text}`);
  return { text, params: statement.params };
}

async function measure(scope: TenantScope, clinicId: string, query: TenantQuery) {
  const asSent = await statementOf(scope, query);
  const statements: Record<Variant, Statement> = { rlsOnly: withoutClinicFilter(asSent, clinicId), app: asSent, rlsOff: asSent };
  const runOnce = (variant: Variant) =>
    inVariant(variant, scope, async (tx) => {
      const sentAt = performance.now();
      const { rows } = await tx.query(statements[variant].text, statements[variant].params);
      return { statementMs: performance.now() - sentAt, rows };
    });

  process.stdout.write(`  ${query.name}: `);
  // The three must agree row for row: RLS alone must return exactly what the clinic filter returns.
  const answers: string[] = [];
  for (const v of VARIANTS) answers.push(JSON.stringify((await runOnce(v)).rows));
  if (answers.some((a) => a !== answers[0]))
    fail(`\nrls overhead bench: ${query.name} returns different rows with and without RLS`);
  const rows = (JSON.parse(answers[0]!) as unknown[]).length;
  process.stdout.write(`${n(rows)} rows; warm-up`);
  for (let i = 0; i < warmup; i++) for (const v of VARIANTS) await runOnce(v);
  process.stdout.write(', timing');

  const samples: Record<Variant, number[]> = { rlsOnly: [], app: [], rlsOff: [] };
  for (let i = 0; i < iterations; i++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(i + k) % VARIANTS.length]!;
      samples[variant].push((await runOnce(variant)).statementMs);
    }
    if ((i + 1) % 100 === 0) process.stdout.write(` ${i + 1}`);
  }
  const statement = { rlsOnly: summarise(samples.rlsOnly), app: summarise(samples.app), rlsOff: summarise(samples.rlsOff) };
  const plans = {
    rlsOnly: await explain('rlsOnly', scope, statements.rlsOnly),
    app: await explain('app', scope, statements.app),
    rlsOff: await explain('rlsOff', scope, statements.rlsOff),
  };
  const ratios = {
    rlsOnly: ratiosOf(statement.rlsOnly, statement.rlsOff),
    app: ratiosOf(statement.app, statement.rlsOff),
  };
  process.stdout.write(`; p50 ${VARIANTS.map((v) => ms(statement[v].p50)).join(' / ')} ms\n`);
  return {
    name: query.name,
    source: query.source,
    rows,
    statementMs: statement,
    ratios,
    withinTarget: ratios.rlsOnly.p50 <= TARGET_RATIO && ratios.app.p50 <= TARGET_RATIO,
    sameAccessPaths: { rlsOnly: sameAccess(plans.rlsOnly, plans.rlsOff), app: sameAccess(plans.app, plans.rlsOff) },
    plans,
    statements: { asSent: asSent.text, rlsOnly: statements.rlsOnly.text },
  };
}

function ratiosOf(t: Timing, baseline: Timing) {
  return { p50: round(t.p50 / baseline.p50), p95: round(t.p95 / baseline.p95) };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Function Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'One-Time Filter'?: string;
  Plans?: PlanNode[];
}

interface Plan {
  /** Medians over EXPLAIN_RUNS runs of EXPLAIN ANALYZE: where the statement's time goes. */
  planningMs: number;
  executionMs: number;
  /** One line per scan, in plan order: how each table is reached and on what condition. */
  access: string[];
  /** The same without conditions, to compare variants. */
  accessKeys: string[];
}

/** EXPLAIN ANALYZE of the variant's statement, in the variant's own transaction and role. */
async function explain(variant: Variant, scope: TenantScope, statement: Statement): Promise<Plan> {
  const runs: { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }[] = [];
  for (let i = 0; i < EXPLAIN_RUNS; i++) {
    const [
      {
        'QUERY PLAN': [top],
      },
    ] = (await inVariant(
      variant,
      scope,
      async (tx) => (await tx.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.params)).rows,
    )) as [{ 'QUERY PLAN': [(typeof runs)[number]] }];
    runs.push(top);
  }
  const access: string[] = [];
  const accessKeys: string[] = [];
  // Literals shortened: what matters is whether the clinic comes from the statement ('…'::uuid) or
  // from a policy's once-per-statement sub-select ($n).
  const shorten = (condition: string) => condition.replace(/'[^']*'/g, "'…'");
  const walk = (node: PlanNode) => {
    const target = node['Relation Name'] ?? node['Function Name'];
    if (target || node['Index Name']) {
      const key = `${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${target ? ` on ${target}${node.Alias && node.Alias !== target ? ` ${node.Alias}` : ''}` : ''}`;
      const cond = node['Index Cond'] ?? node['Recheck Cond'];
      const shown = [cond && `cond ${shorten(cond)}`, node.Filter && `filter ${shorten(node.Filter)}`].filter(Boolean);
      access.push(`${key}${shown.length ? `  [${shown.join('; ')}]` : ''}`);
      accessKeys.push(key);
    }
    // The statement's clinic and the policy's, merged by the planner into one check per statement.
    if (node['One-Time Filter']) access.push(`${node['Node Type']}  [one-time filter ${shorten(node['One-Time Filter'])}]`);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(runs.at(-1)!.Plan);
  return {
    planningMs: summarise(runs.map((r) => r['Planning Time'])).p50,
    executionMs: summarise(runs.map((r) => r['Execution Time'])).p50,
    access,
    accessKeys,
  };
}

function sameAccess(a: Plan, b: Plan): boolean {
  return JSON.stringify(a.accessKeys) === JSON.stringify(b.accessKeys);
}

function print(results: { clinic: { slug: string }; queries: Awaited<ReturnType<typeof measure>>[] }[], endLoad: number[]): void {
  const x = (v: number) => `${v.toFixed(2)}×`;
  const head = [
    'clinic / query',
    'rows',
    ...VARIANTS.flatMap((v) => [`${short(v)} p50`, 'p95']),
    'a/c p50',
    'a/c p95',
    'b/c p50',
    'b/c p95',
    'b−c p50',
    `≤ ${TARGET_RATIO}× (p50)`,
  ];
  const table: string[][] = [head];
  for (const r of results) {
    for (const q of r.queries) {
      table.push([
        `${r.clinic.slug}: ${q.name}`,
        n(q.rows),
        ...VARIANTS.flatMap((v) => [ms(q.statementMs[v].p50), ms(q.statementMs[v].p95)]),
        x(q.ratios.rlsOnly.p50),
        x(q.ratios.rlsOnly.p95),
        x(q.ratios.app.p50),
        x(q.ratios.app.p95),
        ms(q.statementMs.app.p50 - q.statementMs.rlsOff.p50),
        q.withinTarget ? 'met' : 'MISSED',
      ]);
    }
  }
  const missed = results.flatMap((r) => r.queries.filter((q) => !q.withinTarget).map((q) => `${r.clinic.slug}: ${q.name}`));
  const out = [
    '',
    `statement time, ms (${n(iterations)} samples per variant; ${Object.values(VARIANT_NAMES).join(', ')}); ratios against (c):`,
    ...formatTable(table),
    '',
    `plans of ${results[0]!.clinic.slug}, the busiest clinic (EXPLAIN ANALYZE, median of ${EXPLAIN_RUNS}; $n is a policy's sub-select, evaluated once per statement; every clinic's plans are in the JSON):`,
  ];
  for (const q of results[0]!.queries) {
    out.push(`  ${q.name} (${q.source})`);
    for (const v of VARIANTS) {
      const plan = q.plans[v];
      const same = v === 'rlsOff' ? '' : q.sameAccessPaths[v] ? ', same access paths as (c)' : ', access paths differ from (c)';
      out.push(`    ${VARIANT_NAMES[v]}: planning ${ms(plan.planningMs)} ms, execution ${ms(plan.executionMs)} ms${same}`);
      out.push(...plan.access.map((line) => `      ${line}`));
    }
  }
  out.push(
    '',
    missed.length === 0
      ? `RLS overhead within ${TARGET_RATIO}× at p50 for every query.`
      : `over ${TARGET_RATIO}× at p50: ${missed.join('; ')}`,
    `load average at the end ${endLoad.map((l) => l.toFixed(2)).join(' ')}`,
    'written: bench/results/rls-overhead.json',
    '',
  );
  process.stdout.write(out.join('\n'));
}

function formatTable(table: string[][]): string[] {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map(
    (row) => `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`,
  );
}

function n(v: number): string {
  return v.toLocaleString('en-US');
}

function ms(v: number): string {
  return v.toFixed(3);
}
