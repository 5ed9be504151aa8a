import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config.ts';

export const REPO_ROOT = new URL('../../', import.meta.url);
export const DEPLOY_DIR = new URL('deploy/', REPO_ROOT);

/** The ports an app process listens on when the deploy files leave PORT and METRICS_PORT alone. */
export function defaultPorts(): { api: number; metrics: number } {
  const config = loadConfig({});
  if (config.METRICS_PORT === 'off') throw new Error('METRICS_PORT defaults to off');
  return { api: config.PORT, metrics: config.METRICS_PORT };
}

/** Every document of a YAML file as plain data (merge keys resolved, as Compose and kustomize do). */
export async function readYamlDocuments(url: URL): Promise<any[]> {
  const documents = parseAllDocuments(await readFile(url, 'utf8'), { merge: true });
  if (!Array.isArray(documents)) return [];
  for (const document of documents) {
    const [error] = document.errors;
    if (error) throw new Error(`${url.pathname}: ${error.message}`);
  }
  return documents.map((document) => document.toJS()).filter((value) => value !== null);
}

/** Host, port and database of a postgres:// URL (a URL's parser keeps the password away from here). */
export function databaseTarget(url: string): { host: string; port: string; database: string } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '5432', database: u.pathname.slice(1) };
}
