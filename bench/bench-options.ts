import { parseArgs } from 'node:util';
import { fail } from './seeded-database.ts';

/** A bench's command-line options, by kind; names are as typed after `--`. */
export interface OptionSpec<N extends string, S extends string, B extends string> {
  /** Numbers, each with the default a plain run uses. */
  numbers: Record<N, number>;
  /** Text, absent unless given. */
  strings?: readonly S[];
  /** Switches, off unless given. */
  switches?: readonly B[];
}

export type BenchOptions<N extends string, S extends string, B extends string> = Record<N, number> &
  Partial<Record<S, string>> &
  Record<B, boolean>;

/**
 * Parses a bench's options from its command line. An unknown option, or a number option given something that is not
 * a number, ends the run with one line naming it, rather than a run measured with NaN.
 */
export function benchOptions<N extends string, S extends string = never, B extends string = never>(
  bench: string,
  spec: OptionSpec<N, S, B>,
): BenchOptions<N, S, B> {
  const options: Record<
    string,
    { type: 'string' } | { type: 'string'; default: string } | { type: 'boolean'; default: boolean }
  > = {};
  for (const [name, value] of Object.entries<number>(spec.numbers)) options[name] = { type: 'string', default: String(value) };
  for (const name of spec.strings ?? []) options[name] = { type: 'string' };
  for (const name of spec.switches ?? []) options[name] = { type: 'boolean', default: false };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ options }).values;
  } catch (error) {
    fail(`${bench}: ${(error as Error).message}`);
  }
  const parsed: Record<string, unknown> = { ...values };
  for (const name of Object.keys(spec.numbers)) {
    const value = Number(values[name]);
    if (!Number.isFinite(value)) fail(`${bench}: --${name} takes a number, not ${String(values[name])}`);
    parsed[name] = value;
  }
  return parsed as BenchOptions<N, S, B>;
}
