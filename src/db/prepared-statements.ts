import { createHash } from 'node:crypto';
import type pg from 'pg';

// Statements are built from fixed fragments, so a busy node sees a few hundred distinct texts; past
// this many, the rest run unnamed rather than leave every connection holding an unbounded set.
const MAX_NAMED = 2_000;

// feature_not_supported: "cached plan must not change result type", after a migration changed the
// columns of a table a prepared `SELECT *` or `RETURNING *` reads.
const STALE_PLAN = '0A000';
const GENERATED_NAME = /^s\d+_[\w-]{27}$/;
const renamers = new WeakMap<pg.Pool, () => void>();

/** Whether a statement's name is one this module made up from its text, not one the code chose. */
export function isGeneratedStatementName(name: string): boolean {
  return GENERATED_NAME.test(name);
}

export function isStalePreparedPlan(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === STALE_PLAN;
}

/**
 * After a stale plan: every statement of the pool gets a new name, so each connection prepares it
 * afresh on its next use instead of failing once per connection. A pool without named statements
 * has nothing to rename.
 */
export function renamePreparedStatements(pool: pg.Pool): void {
  renamers.get(pool)?.();
}

/**
 * Gives every parameterised statement of `pool` a name derived from its text, so that each
 * connection parses and plans it once and then only binds and executes it: on the dashboard's
 * statements PostgreSQL spent as long planning as executing. A named statement lives in the server
 * connection that prepared it, which PgBouncer before 1.21 (and 1.21+ without max_prepared_statements)
 * does not keep under one client in transaction mode: DATABASE_PREPARED_STATEMENTS=off for those.
 * Call before any other 'connect' wrapper, so that those see the statement as it was written.
 */
export function prepareStatementsByText(pool: pg.Pool): void {
  const names = new Map<string, string>();
  let generation = 0;
  renamers.set(pool, () => {
    generation++;
    names.clear();
  });
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED) {
      name = `s${generation}_${createHash('sha1').update(text).digest('base64url')}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const [text, values] = args;
      // Only a statement with parameters: a text without them may hold several statements (BEGIN; ...),
      // which the extended protocol that names use cannot run.
      if (typeof text === 'string' && Array.isArray(values)) {
        const name = nameOf(text);
        if (name) args[0] = { name, text };
      }
      return query(...args);
    }) as typeof client.query;
  });
}
