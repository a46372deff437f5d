import type { FieldError } from './api-key.errors.js';

/**
 * Free-form metadata, as Palette's spec types `metadata.annotations` and `metadata.labels`: maps of
 * string to string. Not secret: they travel in events and audit CloudEvents as they are.
 */
export type StringMap = Readonly<Record<string, string>>;

/** Annotations Keystream sets itself: their meaning is Keystream's, clients cannot store them. */
export const RESERVED_ANNOTATIONS = ['description', 'ownerUid', 'tenantUid', 'scope'] as const;

/** Bounds per map (reserved annotations not counted). */
export const METADATA_LIMITS = { entries: 64, nameLength: 63, prefixLength: 253, valueLength: 1024 } as const;

// Kubernetes' qualified names: an optional DNS-subdomain prefix and a slash, then a name.
const NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

const keyProblem = (key: string): string | undefined => {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > METADATA_LIMITS.prefixLength || !PREFIX.test(prefix))) {
    return `prefix must be a DNS subdomain of at most ${METADATA_LIMITS.prefixLength} characters`;
  }
  if (name.length > METADATA_LIMITS.nameLength || !NAME.test(name)) {
    return `must be a qualified name: at most ${METADATA_LIMITS.nameLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'`;
  }
  return undefined;
};

/**
 * What is wrong with a map a client sent, one error per problem, naming `field.key`. `reserved`
 * keys are checked by their own rules elsewhere and are neither counted nor checked here.
 */
export const stringMapProblems = (field: string, value: unknown, reserved: readonly string[] = []): FieldError[] => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ field, message: 'must be an object of strings' }];
  const entries = Object.entries(value).filter(([key]) => !reserved.includes(key));
  const problems: FieldError[] = [];
  if (entries.length > METADATA_LIMITS.entries) problems.push({ field, message: `must have at most ${METADATA_LIMITS.entries} entries` });
  for (const [key, text] of entries) {
    const badKey = keyProblem(key);
    if (badKey) problems.push({ field: `${field}.${key.slice(0, 80)}`, message: `key ${badKey}` });
    else if (typeof text !== 'string') problems.push({ field: `${field}.${key}`, message: 'must be a string' });
    else if (text.length > METADATA_LIMITS.valueLength) problems.push({ field: `${field}.${key}`, message: `must be at most ${METADATA_LIMITS.valueLength} characters` });
  }
  return problems;
};

/** The entries of `map` that are not reserved, as a fresh plain map with sorted keys. */
export const customEntries = (map: Record<string, unknown>, reserved: readonly string[] = RESERVED_ANNOTATIONS): StringMap =>
  Object.fromEntries(
    Object.entries(map)
      .filter(([key, value]) => !reserved.includes(key) && typeof value === 'string')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ) as StringMap;

export const sameStringMap = (a: StringMap, b: StringMap): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
};
