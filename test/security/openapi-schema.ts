import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the hostile-input walk reads. */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: boolean | OpenApiSchema;
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  $ref?: string;
  [keyword: string]: unknown;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: OpenApiSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: OpenApiSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** Only what an OpenAPI schema means for validation (descriptions, examples, defaults dropped). */
const KEEP = new Set([
  'type',
  'format',
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'required',
]);

/**
 * OpenAPI 3.0 schema → plain JSON Schema for Ajv, describing what the server should accept:
 * `$ref`s inlined, `nullable` as a null alternative, objects closed (the global ValidationPipe forbids unknown
 * fields) unless they say otherwise, and optional properties nullable (class-validator's @IsOptional lets null
 * through, so the schema must not call that a rejection).
 */
export function toJsonSchema(
  doc: OpenApiDocument,
  schema: OpenApiSchema,
  opts: { openObjects?: boolean } = {},
  depth = 0,
): Record<string, unknown> {
  if (depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return toJsonSchema(doc, { ...target, nullable: schema.nullable ?? target.nullable }, opts, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) if (KEEP.has(k)) out[k] = v;
  if (schema.allOf) out.allOf = schema.allOf.map((s) => toJsonSchema(doc, s, opts, depth + 1));
  if (schema.anyOf) out.anyOf = schema.anyOf.map((s) => toJsonSchema(doc, s, opts, depth + 1));
  if (schema.oneOf) out.oneOf = schema.oneOf.map((s) => toJsonSchema(doc, s, opts, depth + 1));
  if (schema.items) out.items = toJsonSchema(doc, schema.items, opts, depth + 1);
  if (schema.properties) {
    const required = new Set(schema.required ?? []);
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, s]) => {
        const prop = toJsonSchema(doc, s, opts, depth + 1);
        return [k, required.has(k) ? prop : { anyOf: [{ type: 'null' }, prop] }];
      }),
    );
  }
  if (schema.type === 'object' || schema.properties) {
    if (typeof schema.additionalProperties === 'object')
      out.additionalProperties = toJsonSchema(doc, schema.additionalProperties, opts, depth + 1);
    else
      out.additionalProperties = schema.additionalProperties ?? (opts.openObjects || !schema.properties ? true : false);
  }
  // An enum's `type` comes with it; `integer` as an OpenAPI type is kept (Ajv knows it).
  if (schema.nullable) return { anyOf: [{ type: 'null' }, out] };
  return out;
}

export class SchemaChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  private readonly coercing = new Ajv({ strict: false, allErrors: false, coerceTypes: true, validateFormats: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    addFormats(this.coercing);
  }

  /** Would a server that implements `schema` exactly accept `value`? (query strings: coerced like the server does) */
  accepts(schema: Record<string, unknown>, value: unknown, coerce = false): boolean {
    const key = (coerce ? 'c:' : 'p:') + JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      fn = (coerce ? this.coercing : this.ajv).compile(schema);
      this.cache.set(key, fn);
    }
    return fn(coerce ? structuredClone(value) : value); // coercion rewrites the data in place
  }
}
