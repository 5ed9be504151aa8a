import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { round } from './timing.ts';

/**
 * Writes a bench's report to bench/results/<name>.json, stamped with when it ran and the load average, which
 * says how shared the machine was while the numbers were taken (a report may give its own, finer account of
 * either). Returns the file's path for the bench's last line.
 */
export async function writeBenchReport(name: string, report: object): Promise<string> {
  const path = `bench/results/${name}.json`;
  await mkdir('bench/results', { recursive: true });
  await writeFile(
    path,
    `${JSON.stringify({ at: new Date().toISOString(), loadAverage: loadavg().map(round), ...report }, null, 2)}\n`,
  );
  return path;
}
