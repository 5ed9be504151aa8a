import { describe, expect, it } from 'vitest';
import { statementWithoutLiterals } from '../../src/telemetry/statement-text.ts';

describe('statement text in a trace', () => {
  it('a password written inline never reaches a span', () => {
    expect(statementWithoutLiterals(`ALTER ROLE "bwai_app" WITH LOGIN PASSWORD 'it''s a secret'`)).toBe(
      `ALTER ROLE "bwai_app" WITH LOGIN PASSWORD '?'`,
    );
  });

  it('escape strings and several literals are masked; placeholders, identifiers and casts stay', () => {
    expect(statementWithoutLiterals(`SELECT set_config('app.clinic_id', $1, true), E'a\\nb', x::text FROM "t's"`)).toBe(
      `SELECT set_config('?', $1, true), '?', x::text FROM "t's"`,
    );
  });

  it('a function body in dollar quotes is code and stays readable', () => {
    const text = `CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql`;
    expect(statementWithoutLiterals(text)).toBe(text);
  });
});
