import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const DIR = new URL('../../deploy/observability/', import.meta.url);

// Series Prometheus makes itself for every target, which no /metrics exposes.
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);

/** The metric names a PromQL expression reads: identifiers that are neither functions, keywords nor labels. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '');
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter(([, name, call]) => !call && !KEYWORDS.has(name!))
    .map(([, name]) => name!);
}

/** Every `expr:` of the rules file, single-line or a block (`|`, `>`). */
async function alertExpressions(): Promise<string[]> {
  const lines = (await readFile(new URL('alerts.yml', DIR), 'utf8')).split('\n');
  const exprs: string[] = [];
  lines.forEach((line, i) => {
    const match = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    if (!/^[|>]/.test(match[2]!)) return exprs.push(match[2]!);
    const block: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() && next.search(/\S/) <= match[1]!.length) break;
      block.push(next.trim());
    }
    exprs.push(block.join(' '));
  });
  return exprs;
}

async function dashboardExpressions(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(new URL('grafana-dashboard.json', DIR), 'utf8'));
  return dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
}

let t: TestApp;
let exposed: Set<string>;
beforeAll(async () => {
  t = await startTestApp();
  exposed = (await scrape(t.app)).queryableNames();
});
afterAll(() => t.stop());

describe('the ready-made dashboard and alerts', () => {
  it('the metric-name reader finds names and leaves functions, labels and keywords out', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{route!~".*/x"}[5m]))) > 0.2 and on (pool) b',
      ),
    ).toEqual(['a_seconds_bucket', 'b']);
  });

  it.each([
    ['alerts.yml', alertExpressions],
    ['grafana-dashboard.json', dashboardExpressions],
  ])('every metric %s uses is exposed at /metrics under that name', async (_file, expressions) => {
    const exprs = await expressions();
    expect(exprs.length).toBeGreaterThan(3);
    for (const expr of exprs) {
      const names = metricNames(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(exposed.has(name) || PROMETHEUS_OWN.has(name), `${name} in ${expr}`).toBe(true);
    }
  });
});
