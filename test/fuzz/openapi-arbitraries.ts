import fc from 'fast-check';

// Values for a request, generated from the app's own OpenAPI document: inside the schemas (so
// requests get past the first check and reach the handlers) and beyond them (types, bounds, unicode,
// nesting, prototype keys, odd dates, huge numbers, nulls).

type Schema = Record<string, any>;
export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema?: Schema }>; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  method: string;
  path: string;
  query: Array<{ name: string; schema: Schema }>;
  body?: Schema;
}

export const operationsOf = (doc: OpenApiDocument): Operation[] =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
      body: operation.requestBody?.content['application/json']?.schema,
    })),
  );

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', '__lookupGetter__'];

export const oddDates = fc.constantFrom(
  '2009-W01-1', '2009-123', '20090519', '2010-02-18T16:23.4', '2010-02-18T16:23:00', '2027-02-30T00:00:00Z', '2027-01-01T24:00:00Z',
  '2027-01-01T00:00:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999+23:59', '+275760-09-13T00:00:00Z', '2027-01-01T00:00:00+24:00',
  '0001-01-01T00:00:00.000Z', '2027-01-01 00:00:00Z', '2027-1-1T0:0:0Z', '', 'now', '1e400', '２０２７-01-01T00:00:00Z',
);

export const hugeNumbers = fc.constantFrom(1e308, -1e308, 2 ** 64, -(2 ** 63), 0.1, -0, 1e-320, Number.MAX_SAFE_INTEGER + 2, 123456789012345678901234567890);

export const oddStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 100, maxLength: 600 }),
  fc.constantFrom('\u0000', '\u202e', '\ud800', '%00', '../..', '<script>', '${jndi:x}', 'ks_' + 'a'.repeat(24) + '_x', ' ', '\t\n'),
);

/** Deep JSON: nested arrays or objects, often past the depth bound. */
export const deepJson = fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** Anything JSON can carry, and then some of the shapes that broke things before. */
export const beyond: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: oddStrings },
  { weight: 2, arbitrary: oddDates },
  { weight: 2, arbitrary: hugeNumbers },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: deepJson },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 2 }) },
);

const resolve = (schema: Schema, doc: OpenApiDocument): Schema => {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  return ref ? resolve(doc.components!.schemas![String(ref).split('/').pop()!]!, doc) : schema;
};

/** A value the schema allows (most of the time: the schema cannot say "in the future"). */
export const fromSchema = (raw: Schema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> => {
  const schema = resolve(raw, doc);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(fromSchema(schema.items ?? {}, doc, depth + 1), { maxLength: 3 });
    case 'string':
      if (schema.format === 'date-time') {
        return fc.integer({ min: -30, max: 400 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString());
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 200) });
    default: {
      const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
      if (properties.length === 0 || depth > 4) return fc.constant({});
      const required = new Set<string>(schema.required ?? []);
      return fc.record(
        Object.fromEntries(properties.map(([name, property]) => [name, fromSchema(property, doc, depth + 1)])),
        { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) },
      );
    }
  }
};

/** Replaces one value somewhere inside `value` (or adds an unknown key), with something from `beyond`. */
export const mutate = (value: unknown): fc.Arbitrary<unknown> =>
  fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 8 })), beyond, fc.boolean()).map(([pick, key, replacement, addKey]) => {
    const copy = JSON.parse(JSON.stringify(value ?? {})) as unknown;
    const objects: Array<Record<string, unknown>> = [];
    const walk = (node: unknown) => {
      if (typeof node === 'object' && node !== null) {
        objects.push(node as Record<string, unknown>);
        Object.values(node).forEach(walk);
      }
    };
    walk(copy);
    if (objects.length === 0) return replacement;
    const target = objects[pick % objects.length]!;
    const keys = Object.keys(target);
    const name = addKey || keys.length === 0 ? key : keys[pick % keys.length]!;
    Object.defineProperty(target, name, { value: replacement, enumerable: true, writable: true, configurable: true });
    return copy;
  });
