import type { FieldError } from '@keystream/problem-details';

/** Deeper JSON than this is refused before anything maps it (the request bodies need 3 levels). */
export const MAX_BODY_DEPTH = 16;
/** Names that reach prototypes when a body or query is copied into an object: refused everywhere. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Enough to name what is wrong without answering with a second copy of a hostile body. */
const MAX_ERRORS = 20;

export const NULL_MESSAGE = 'must not be null: omit the field to leave it as it is';

/**
 * Problems with a parsed JSON body that must be refused before class-transformer maps it: nesting
 * past MAX_BODY_DEPTH (the mapping recurses and overflows the stack around 1,500 levels), reserved
 * keys at any depth, and null anywhere. A null has no meaning in this API: refusing it keeps a
 * PUT with `"description": null` from being recorded as a change the views then ignore.
 * Iterative, so a hostile body cannot overflow the stack here either.
 */
export const bodyProblems = (body: unknown, options: { refuseNull?: boolean } = {}): FieldError[] => {
  const refuseNull = options.refuseNull ?? true;
  if (body === undefined) return [];
  const errors: FieldError[] = [];
  const pending: Array<{ value: unknown; field: string; depth: number }> = [{ value: body, field: '', depth: 0 }];
  while (pending.length > 0 && errors.length < MAX_ERRORS) {
    const { value, field, depth } = pending.pop()!;
    if (value === null) {
      if (!refuseNull) continue;
      errors.push({ field: field || 'body', message: NULL_MESSAGE });
      continue;
    }
    if (typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      // One error for the whole body: the limit is what the client must change.
      return [{ field: 'body', message: `must not nest objects or arrays deeper than ${MAX_BODY_DEPTH} levels` }];
    }
    const entries = Array.isArray(value) ? value.map((item, index) => [`${index}`, item] as const) : Object.entries(value);
    for (const [key, item] of entries) {
      const path = field ? `${field}.${key}` : key;
      if (!Array.isArray(value) && RESERVED_KEYS.has(key)) errors.push({ field: path, message: 'is a reserved name and is refused' });
      else pending.push({ value: item, field: path, depth: depth + 1 });
    }
  }
  return errors.slice(0, MAX_ERRORS);
};

/** Reserved names in the query string, on every route, whether or not the route reads its query. */
export const queryProblems = (query: unknown): FieldError[] =>
  typeof query === 'object' && query !== null
    ? Object.keys(query).filter((key) => RESERVED_KEYS.has(key)).map((key) => ({ field: key, message: 'is a reserved name and is refused' }))
    : [];
