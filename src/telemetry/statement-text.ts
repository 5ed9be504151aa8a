/**
 * A statement's text as a trace may show it: parameters are never in it ($1, $2), but a few
 * statements carry inline literals (ALTER ROLE … PASSWORD '…' is one), so every quoted string becomes
 * '?'. Dollar-quoted bodies (migrations' function definitions) are code, not values, and stay.
 */
export function statementWithoutLiterals(text: string): string {
  return text.replace(/(?<![\w$])[eE]?'(?:[^']|'')*'/g, "'?'");
}
