import { Readable } from 'node:stream';

export type CsvCell = string | number | null;

// A cell a spreadsheet would run as a formula (a staff or treatment name typed as "=HYPERLINK(...)")
// is kept as text by a leading apostrophe, as OWASP's CSV injection advice has it.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as RFC 4180 writes it: quoted when it holds a quote, a separator or a line break. */
export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV document as a stream of lines, each written as it is formatted, never joined into one string.
 * It starts with a byte order mark so that spreadsheet programs read Thai and Chinese names as UTF-8.
 */
export function csvStream(header: readonly string[], rows: Iterable<readonly CsvCell[]>): Readable {
  function* lines(): Generator<string> {
    yield `\uFEFF${header.map(csvCell).join(',')}\r\n`;
    for (const row of rows) yield `${row.map(csvCell).join(',')}\r\n`;
  }
  return Readable.from(lines());
}
