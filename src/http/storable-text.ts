import { validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from '../errors/app-error.ts';

// PostgreSQL's text refuses NUL (the insert fails); the other C0 controls are never typed by a person
// and hide text from reviewers and logs. Tab, line feed and carriage return are kept: people type them.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
// A lone UTF-16 surrogate has no UTF-8 encoding: the driver would silently store U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemOf(text: string): string | null {
  if (CONTROL.test(text)) return 'holds a control character (NUL or another C0 control other than tab or a line break)';
  if (LONE_SURROGATE.test(text)) return 'holds a lone UTF-16 surrogate, which is not text';
  return null;
}

function findUnstorable(value: unknown, path: string[]): { path: string; message: string } | null {
  if (typeof value === 'string') {
    const message = problemOf(value);
    return message ? { path: path.join('.'), message } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorable(item, [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  // Plain objects only: parsed values may hold Dates and the like, which carry no client text.
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemOf(key);
      if (keyProblem) return { path: [...path, key].join('.'), message: `its name ${keyProblem}` };
      const found = findUnstorable(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Throws 400 invalid-input naming the first string in `value` (at any depth) that PostgreSQL cannot
 * store or no person typed. `part` names where the value came from (body, querystring, params).
 */
export function assertStorableText(value: unknown, part: string): void {
  const found = findUnstorable(value, [part]);
  if (found) {
    throw new AppError('invalid-input', `${found.path}: ${found.message}.`, { errors: [found] });
  }
}

/**
 * The zod validator compiler, then the text check on everything the schema let through: one place for
 * every route's body, query and params, so a new route cannot forget it.
 */
export const storableTextValidatorCompiler: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  return (data: unknown) => {
    const result = validate(data);
    if (typeof result !== 'object' || !('value' in result) || result.error) return result;
    try {
      assertStorableText(result.value, route.httpPart ?? 'input');
    } catch (error) {
      return { error: error as Error };
    }
    return result;
  };
};
