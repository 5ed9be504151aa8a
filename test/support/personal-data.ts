import type pg from 'pg';

/**
 * Where `needle` occurs (any case) in any text, varchar or JSON column of any table of the app's schema,
 * as "table.column" names: how a test shows that an erasure left nothing of a person behind.
 */
export async function columnsHolding(owner: pg.Pool, needle: string): Promise<string[]> {
  const { rows: columns } = await owner.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rows } = await owner.query<{ hit: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM public.${quote(table)} WHERE ${quote(column)}::text ILIKE '%' || $1 || '%') AS hit`,
      [needle],
    );
    if (rows[0]!.hit) found.push(`${table}.${column}`);
  }
  return found;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
