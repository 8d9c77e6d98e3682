import 'reflect-metadata';
import { DECORATORS } from '@nestjs/swagger';

type Json = Record<string, unknown>;
type Dto = new (...args: never[]) => object;

interface PropertyMeta {
  type?: unknown;
  isArray?: boolean;
  nullable?: boolean;
  required?: boolean;
  format?: string;
  enum?: unknown[] | Record<string, unknown>;
  additionalProperties?: unknown;
}

const PRIMITIVES = new Map<unknown, string>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
  ['string', 'string'],
  ['number', 'number'],
  ['integer', 'integer'],
  ['boolean', 'boolean'],
]);

/** A type as @nestjs/swagger keeps it: a class, a primitive's constructor or name, or a thunk (`() => Class`). */
const unthunk = (type: unknown): unknown =>
  typeof type === 'function' && !type.prototype && !PRIMITIVES.has(type) ? (type as () => unknown)() : type;

function propertySchema(meta: PropertyMeta, designType: unknown): Json {
  const type = unthunk(meta.type ?? designType);
  const resolved = typeof type === 'function' && !PRIMITIVES.has(type) && type !== Object ? type : undefined;
  let schema: Json;
  if (Array.isArray(type)) schema = { type: 'array', items: propertySchema({ ...meta, type: type[0] }, undefined) };
  else if (meta.isArray) schema = { type: 'array', items: propertySchema({ ...meta, isArray: false }, designType) };
  else if (resolved) schema = responseSchema(resolved as Dto);
  else if (PRIMITIVES.has(type)) schema = { type: PRIMITIVES.get(type) };
  else schema = { type: 'object', additionalProperties: true };
  if (meta.nullable && typeof schema.type === 'string') schema = { ...schema, type: [schema.type, 'null'] };
  return schema;
}

/**
 * The JSON schema of a response DTO class, read from its `@ApiProperty` decorators: the one definition of a response
 * drives both the OpenAPI document and the Fastify serializer (a field the class does not declare is never sent).
 */
export function responseSchema(dto: Dto): Json {
  const prototype = dto.prototype as object;
  const names: string[] = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ?? []).map(
    (n: string) => n.slice(1),
  );
  const properties: Json = {};
  const required: string[] = [];
  for (const name of names) {
    const meta: PropertyMeta = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, name) ?? {};
    properties[name] = propertySchema(meta, Reflect.getMetadata('design:type', prototype, name));
    if (meta.required !== false) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}
