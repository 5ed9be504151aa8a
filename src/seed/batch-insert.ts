import type { Tx } from '../db/tenant-transaction.ts';

export const BATCH_SIZE = 5_000;

export interface Column<Row> {
  name: string;
  /** The Postgres element type of the column's array parameter: uuid, text, timestamptz, ... */
  type: string;
  value(row: Row): unknown;
}

/**
 * Inserts rows in batches of BATCH_SIZE, each one statement with one array parameter per column
 * (INSERT ... SELECT * FROM unnest(...)): the parameter count stays fixed whatever the batch size.
 * The next batch is generated while the database writes the previous one.
 */
export async function insertRows<Row>(
  tx: Tx,
  table: string,
  columns: Column<Row>[],
  rows: Iterable<Row>,
  progress: (rows: number) => void,
): Promise<number> {
  const sql = `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')})
    SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
  let written = 0;
  let inFlight: { done: Promise<unknown>; rows: number } | undefined;
  const settle = async () => {
    if (!inFlight) return;
    await inFlight.done;
    written += inFlight.rows;
    progress(inFlight.rows);
  };
  for (const batch of batches(rows, BATCH_SIZE)) {
    const done = tx.query(
      sql,
      columns.map((c) => batch.map((row) => c.value(row))),
    );
    // Awaited below; without this, a failure of the earlier batch would leave this one unhandled.
    done.catch(() => undefined);
    await settle();
    inFlight = { done, rows: batch.length };
  }
  await settle();
  return written;
}

function* batches<Row>(rows: Iterable<Row>, size: number): Generator<Row[]> {
  let batch: Row[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
