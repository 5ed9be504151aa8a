import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { isGeneratedStatementName } from './prepared-statements.ts';

/**
 * A statement's name for logs: its query name if the code gave it one, else its verb and the first table it
 * reads or writes ("SELECT customers", "UPDATE skin_analyses"). Never its parameters or literals: an
 * inline literal can be a password (ALTER ROLE) or personal data.
 */
export function statementLabel(query: string | { text?: string; name?: string }): string {
  // A prepared statement's generated name (a hash of its text) says nothing to a reader: label its text.
  if (typeof query !== 'string' && query.name && !isGeneratedStatementName(query.name)) return query.name;
  const text = (typeof query === 'string' ? query : (query.text ?? '')).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim();
  const verb = /^[a-z]+/i.exec(text)?.[0]?.toUpperCase() ?? 'SQL';
  const target = /\b(?:from|into|update|join|table)\s+((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/i.exec(text)?.[1];
  return target ? `${verb} ${target}` : verb;
}

/**
 * Logs every statement of `pool` that takes longer than `thresholdMs`, with its label and duration.
 * Each connection's `query` is wrapped once, as the pool opens it: transactions call it directly and
 * pool.query calls it with a callback, so both forms are timed. Cursors (submittables) pass untimed.
 */
export function logSlowStatements(pool: pg.Pool, poolName: string, thresholdMs: number, log: Logger): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const started = performance.now();
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (...results: unknown[]) => {
          report(args[0], started);
          return callback(...results);
        };
        return query(...args);
      }
      const result = query(...args);
      if (result instanceof Promise) {
        void result.then(
          () => report(args[0], started),
          () => report(args[0], started),
        );
      }
      return result;
    }) as typeof client.query;
  });
  function report(statement: unknown, started: number): void {
    const durationMs = Math.round(performance.now() - started);
    if (durationMs < thresholdMs) return;
    log.warn({ statement: statementLabel(statement as string), pool: poolName, durationMs }, 'slow statement');
  }
}
