import fastJson from 'fast-json-stringify';
import { ResponseSerializationError, serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type RouteSchema = Parameters<typeof zodSerializerCompiler>[0];

/**
 * Responses are written by a serializer compiled once per route from its zod response schema (as JSON
 * schema, through fast-json-stringify), instead of zod checking every value of every response. With
 * `validate` (the tests) each response is also checked against the zod schema first, so a handler
 * that answers something its schema does not describe still fails there. A schema JSON schema cannot
 * express keeps zod's serializer.
 */
export function responseSerializerCompiler({ validate }: { validate: boolean }) {
  return (route: RouteSchema): ((data: unknown) => string) => {
    const { schema, method, url } = route;
    const stringify = schema instanceof z.ZodType ? compiled(schema) : undefined;
    if (!stringify) return zodSerializerCompiler(route);
    if (!validate) return stringify;
    return (data) => {
      const checked = z.safeEncode(schema as z.ZodType, data);
      if (!checked.success) throw new ResponseSerializationError(method, url, { cause: checked.error });
      return stringify(data);
    };
  };
}

function compiled(schema: z.ZodType): ((data: unknown) => string) | undefined {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  delete json.$schema;
  return fastJson(nullableAsTypeList(json) as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
}

/**
 * zod writes `x | null` as anyOf [x, null], which fast-json-stringify resolves by validating the value
 * against each branch; a type list (`type: ['string', 'null']`) it writes directly.
 */
function nullableAsTypeList(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsTypeList);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableAsTypeList(v)]));
  const branches = entries.anyOf as Record<string, unknown>[] | undefined;
  if (Array.isArray(branches) && branches.length === 2) {
    const other = branches.find((b) => b.type !== 'null');
    const isPrimitive = typeof other?.type === 'string' && ['string', 'number', 'integer', 'boolean'].includes(other.type);
    if (other && isPrimitive && branches.some((b) => b.type === 'null' && Object.keys(b).length === 1)) {
      const { anyOf: _, ...rest } = entries;
      return { ...rest, ...other, type: [other.type, 'null'] };
    }
  }
  return entries;
}
