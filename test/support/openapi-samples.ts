import { randomUUID } from 'node:crypto';

/** The subset of OpenAPI 3.0 schema keywords that our zod-generated document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

export type FieldPath = (string | number)[];

let n = 0;
const day = (days: number) => new Date(Date.now() + days * 86_400_000);

// Values for the patterns and formats the document holds; the first one a pattern accepts is used.
const CANDIDATES = [
  () => `Fuzz value ${++n}`,
  () => `fuzz-${Date.now().toString(36)}${++n}`,
  () => `fuzz.key${++n}`,
  () => '09:00',
  () => '#a1b2c3',
  () => 'THB',
  () => '+66 81 234 5678',
];

/** Schemas in components are referenced as `#/components/schemas/Name`. */
export class OpenApiSamples {
  constructor(private readonly components: Record<string, JsonSchema>) {}

  deref(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let hops = 0; s.$ref && hops < 10; hops++) s = this.components[s.$ref.split('/').pop()!] ?? {};
    return s;
  }

  private options(schema: JsonSchema): JsonSchema[] {
    const list = schema.anyOf ?? schema.oneOf ?? [schema];
    return list.map((o) => this.deref(o)).filter((o) => o.type !== 'null');
  }

  private merged(schema: JsonSchema): JsonSchema {
    const s = this.deref(schema);
    if (!s.allOf) return s;
    const parts = s.allOf.map((p) => this.merged(p));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }

  /** Paths to every string in values of `schema` (each property and array item once), at most `depth` deep. */
  stringFields(schema: JsonSchema, path: FieldPath = [], depth = 6): FieldPath[] {
    if (depth === 0) return [];
    const found: FieldPath[] = [];
    for (const option of this.options(this.merged(schema))) {
      const s = this.merged(option);
      if (s.type === 'string') found.push(path);
      else if (s.type === 'object' || s.properties) {
        for (const [key, prop] of Object.entries(s.properties ?? {}))
          found.push(...this.stringFields(prop, [...path, key], depth - 1));
      } else if (s.type === 'array' && s.items) found.push(...this.stringFields(s.items, [...path, 0], depth - 1));
    }
    // The same path may come from two options of a union: fuzz it once.
    return [...new Map(found.map((p) => [JSON.stringify(p), p])).values()];
  }

  /**
   * A plausible valid value of `schema` (required properties only), except that the field at `target`
   * (with the properties and items leading to it) is present and holds `value`.
   */
  build(schema: JsonSchema, target: FieldPath | null = null, value?: unknown): unknown {
    if (target && target.length === 0) return value;
    const options = this.options(this.merged(schema));
    const chosen = (target && options.find((o) => this.stringFields(o).some((p) => startsWith(p, target)))) ?? options[0] ?? {};
    const s = this.merged(chosen);
    if (s.type === 'object' || s.properties) {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const onPath = target?.[0] === key;
        if (onPath || s.required?.includes(key)) out[key] = this.build(prop, onPath ? target!.slice(1) : null, value);
      }
      return out;
    }
    if (s.type === 'array') {
      if (target) return [this.build(s.items ?? {}, target.slice(1), value)];
      return (s.minItems ?? 0) > 0 ? [this.build(s.items ?? {})] : [];
    }
    return this.scalar(s);
  }

  private scalar(s: JsonSchema): unknown {
    if (s.enum) return s.enum[0];
    if (s.const !== undefined) return s.const;
    if (s.default !== undefined) return s.default;
    switch (s.type) {
      case 'boolean':
        return false;
      case 'integer':
      case 'number':
        return Math.min(Math.max(s.minimum ?? 1, 1), s.maximum ?? 1);
      case 'string':
        return this.text(s);
      default:
        return null;
    }
  }

  private text(s: JsonSchema): string {
    switch (s.format) {
      case 'uuid':
        return randomUUID();
      case 'date':
        return day(7).toISOString().slice(0, 10);
      case 'date-time':
        // Later each time, so a range built from two of them (startsAt, endsAt) is in order.
        return new Date(day(1).getTime() + ++n * 60_000).toISOString();
      case 'email':
        return `fuzz-${Date.now().toString(36)}${++n}@example.test`;
      case 'uri':
        return 'https://example.test/fuzz';
    }
    const pattern = s.pattern ? new RegExp(s.pattern) : null;
    for (const candidate of CANDIDATES) {
      let v = candidate();
      if (s.minLength && v.length < s.minLength) v = v.padEnd(s.minLength, 'x');
      if (s.maxLength && v.length > s.maxLength) v = v.slice(0, s.maxLength);
      if (!pattern || pattern.test(v)) return v;
    }
    return 'fuzz';
  }
}

const startsWith = (path: FieldPath, prefix: FieldPath) => prefix.every((k, i) => path[i] === k);
