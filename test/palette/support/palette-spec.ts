import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

// ajv-formats is CommonJS with its plugin on `default`, which NodeNext types as the module object.
const addFormats = formats.default;

/**
 * Palette's published spec as response validators. Swagger 2.0 schema objects are a subset of JSON
 * Schema, so ajv compiles them as they are once `$ref`s point into the document. Two readings:
 * - lenient: the spec as published (objects may carry more members), for clients that opted in to
 *   Keystream's extension members;
 * - strict: every object closed to the members the spec names, which is how strict generated
 *   clients (openapi-generator's Java `okhttp-gson`, for one) read it. A response to a client that
 *   did not opt in must pass this one.
 * Every non-2xx answer is what the Go SDK decodes into `V1Error`; it may carry more members (RFC 9457's).
 */
export const PALETTE_SPEC_FILE = new URL('../spec/apikeys.swagger.json', import.meta.url);

interface Operation {
  operationId: string;
  responses: Record<string, { schema?: { $ref: string } }>;
}
interface SwaggerDocument {
  paths: Record<string, Record<string, Operation | unknown[]>>;
  definitions: Record<string, unknown>;
}

export const paletteSpec: SwaggerDocument = JSON.parse(readFileSync(PALETTE_SPEC_FILE, 'utf8'));

/** Every object schema that names its members and says nothing about others is closed. */
const closeObjects = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'properties' ? mapValues(value, closeObjects) : closeObjects(value)]));
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
};
const mapValues = (object: unknown, map: (value: unknown) => unknown) =>
  Object.fromEntries(Object.entries(object as Record<string, unknown>).map(([key, value]) => [key, map(value)]));

const compileDefinitions = (definitions: Record<string, unknown>) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'palette', definitions }, 'palette');
  const cache = new Map<string, ValidateFunction>();
  return (definition: string): ValidateFunction => {
    let validate = cache.get(definition);
    if (!validate) {
      validate = ajv.compile({ $ref: `palette#/definitions/${definition}` });
      cache.set(definition, validate);
    }
    return validate;
  };
};

const lenient = compileDefinitions(paletteSpec.definitions);
const strict = compileDefinitions(closeObjects(paletteSpec.definitions) as Record<string, unknown>);

export interface SpecOperation {
  method: string;
  path: string;
  operationId: string;
  responses: Operation['responses'];
}

const templates = Object.entries(paletteSpec.paths).flatMap(([path, operations]) =>
  Object.entries(operations)
    .filter(([method]) => method !== 'parameters')
    .map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      operationId: (operation as Operation).operationId,
      responses: (operation as Operation).responses,
    })),
);

/** The spec's operation for a request, if Palette's spec has one (`/docs`, `/v1/audit/...` do not). */
export const findOperation = (method: string, url: string): SpecOperation | undefined => {
  const path = url.split('?')[0]!;
  return templates.find((operation) => operation.method === method.toUpperCase() && operation.pattern.test(path));
};

export const ERROR_DEFINITION = 'V1Error';

/**
 * What is wrong with a response by Palette's spec, or [] when it conforms: a status the operation
 * does not define for success, a body that does not match the schema for that status (strictly
 * when `strictMembers`), a body on a status whose schema is empty, or an error that is no `V1Error` (never closed: see below).
 */
export const specViolations = (
  operation: SpecOperation,
  response: { status: number; text: string; json: unknown },
  strictMembers: boolean,
): string[] => {
  const where = `${operation.method} ${operation.path} -> ${response.status}`;
  const validatorFor = strictMembers ? strict : lenient;
  if (response.status < 200 || response.status >= 300) {
    // Errors keep RFC 9457's members beside V1Error's: clients decode V1Error's and ignore the rest
    // (the spec declares no error responses, so no generated model is strict about them).
    const validate = lenient(ERROR_DEFINITION);
    return validate(response.json) ? [] : [`${where}: not a V1Error: ${ajvText(validate)}`];
  }
  const declared = operation.responses[String(response.status)];
  if (!declared) return [`${where}: the spec defines no such success status (${Object.keys(operation.responses).join(', ')})`];
  if (!declared.schema) return response.text === '' ? [] : [`${where}: the spec defines no body, got ${response.text.slice(0, 80)}`];
  const validate = validatorFor(declared.schema.$ref.split('/').at(-1)!);
  return validate(response.json) ? [] : [`${where}: ${ajvText(validate)}`];
};

const ajvText = (validate: ValidateFunction): string =>
  (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`).join('; ');
