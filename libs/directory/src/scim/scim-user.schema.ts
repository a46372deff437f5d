import { isObject } from '@keystream/api-keys';
import type { UserAttributes, UserProfile } from '../domain/index.js';
import { CONTROL_CHARACTER } from './scim-id.pipe.js';
import { ScimError, invalidPath, invalidSyntax, invalidValue } from './scim.errors.js';

/**
 * The User schema as Keystream keeps it (RFC 7643 §4.1 and the enterprise extension, §4.3), and the
 * request shapes Okta and Entra ID send. Hand-written for the small part of SCIM needed here; see
 * README "Dependencies and why" for why not scimmy.
 *
 * Unknown attributes (RFC 7644 §3.3: the service provider is free to ignore POSTed content): on a
 * create or replace they are dropped, never stored or echoed; a PATCH path naming one is refused with
 * 400 invalidPath (§3.5.2), so an identity provider learns its mapping targets nothing. Read-only
 * attributes (id, meta, groups) are ignored (RFC 7643 §7); a password is never kept.
 */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Core attributes kept in the profile, by lower-cased name, with their canonical spelling. */
const PROFILE_ATTRIBUTES = new Map(
  ['name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'emails', 'phoneNumbers', 'addresses', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates'].map(
    (name) => [name.toLowerCase(), name],
  ),
);
const ENTERPRISE_ATTRIBUTES = new Map(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'].map((name) => [name.toLowerCase(), name]));
/** Sent by clients, never kept from them. */
const IGNORED = new Set(['id', 'meta', 'groups', 'password', 'schemas']);

const MAX_TEXT = 1024;


/** A user resource as Keystream holds it between requests: what PATCH applies to. */
export type UserDocument = UserAttributes;

/** `active` as Okta (a boolean) and Entra ID (the strings "True" and "False") send it. */
export const parseActive = (value: unknown): boolean => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue('active must be a boolean');
};

const parseUserName = (value: unknown): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256 || CONTROL_CHARACTER.test(value)) {
    throw invalidValue('userName is required: 1 to 256 characters without control characters');
  }
  return value.trim();
};

const parseExternalId = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT || CONTROL_CHARACTER.test(value)) throw invalidValue('externalId must be a string of at most 1024 characters');
  return value;
};

/** Plain JSON only, bounded: what an attribute value may be. */
const checkValue = (attribute: string, value: unknown, depth = 0): void => {
  if (depth > 4) throw invalidValue(`${attribute} is nested too deeply`);
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return;
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT) throw invalidValue(`${attribute} is longer than ${MAX_TEXT} characters`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > 50) throw invalidValue(`${attribute} has more than 50 values`);
    for (const item of value) checkValue(attribute, item, depth + 1);
    return;
  }
  if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) checkValue(`${attribute}.${key}`, inner, depth + 1);
    return;
  }
  throw invalidValue(`${attribute} has a value of an unknown type`);
};

/** The body of a POST or PUT /Users, checked: required attributes, types, and the kept profile. */
export const parseUserResource = (body: unknown): UserDocument => {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === USER_SCHEMA.toLowerCase())) {
    throw invalidSyntax(`schemas must list ${USER_SCHEMA}`);
  }
  let document: UserDocument = { userName: parseUserName(body.userName), externalId: parseExternalId(body.externalId), active: body.active === undefined ? true : parseActive(body.active), profile: {} };
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (['username', 'externalid', 'active'].includes(lower) || IGNORED.has(key) || IGNORED.has(lower)) continue;
    if (lower === ENTERPRISE_USER_SCHEMA.toLowerCase()) {
      if (!isObject(value)) throw invalidValue(`${ENTERPRISE_USER_SCHEMA} must be an object`);
      for (const [inner, innerValue] of Object.entries(value)) {
        if (ENTERPRISE_ATTRIBUTES.has(inner.toLowerCase())) document = setAttribute(document, `${ENTERPRISE_USER_SCHEMA}:${inner}`, innerValue);
      }
      continue;
    }
    if (PROFILE_ATTRIBUTES.has(lower)) document = setAttribute(document, key, value);
    // Anything else is not in the schema: ignored.
  }
  return document;
};

// ------------------------------------------------------------------ attribute paths

type Target =
  | { kind: 'userName' | 'externalId' | 'active' }
  | { kind: 'profile'; attribute: string; sub?: string; extension: boolean; filter?: { attribute: string; value: string } };

/**
 * A PATCH path, or a key of a path-less value object (Entra ID sends `name.givenName` and the
 * enterprise URN as keys): `attr`, `attr.sub`, `attr[sub eq "v"].sub`, `<enterprise urn>:attr`.
 */
export const resolvePath = (path: string): Target => {
  let rest = path.trim();
  let extension = false;
  if (rest.toLowerCase().startsWith(`${ENTERPRISE_USER_SCHEMA.toLowerCase()}:`)) {
    extension = true;
    rest = rest.slice(ENTERPRISE_USER_SCHEMA.length + 1);
  } else if (rest.toLowerCase().startsWith(`${USER_SCHEMA.toLowerCase()}:`)) {
    rest = rest.slice(USER_SCHEMA.length + 1);
  }
  const match = /^([A-Za-z][\w$-]*)(?:\[\s*([A-Za-z][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\])?(?:\.([A-Za-z][\w$-]*))?$/i.exec(rest);
  if (!match) throw invalidPath(`The path ${JSON.stringify(path)} is not one Keystream understands`);
  const [, name, filterAttribute, filterValue, sub] = match as unknown as [string, string, string | undefined, string | undefined, string | undefined];
  const lower = name.toLowerCase();
  if (!extension && !filterAttribute && !sub && (lower === 'username' || lower === 'externalid' || lower === 'active')) {
    return { kind: lower === 'username' ? 'userName' : lower === 'externalid' ? 'externalId' : 'active' };
  }
  const canonical = (extension ? ENTERPRISE_ATTRIBUTES : PROFILE_ATTRIBUTES).get(lower);
  if (!canonical) throw invalidPath(`${path} is not an attribute of the User schema`);
  return {
    kind: 'profile',
    attribute: extension ? `${ENTERPRISE_USER_SCHEMA}:${canonical}` : canonical,
    extension,
    sub,
    filter: filterAttribute === undefined ? undefined : { attribute: filterAttribute, value: filterString(path, filterValue ?? '') },
  };
};

/** The quoted value of a path's filter, read as a JSON string; a bad escape (`"\q"`) is the client's error (400). */
const filterString = (path: string, quoted: string): string => {
  try {
    return JSON.parse(`"${quoted}"`) as string;
  } catch {
    throw invalidPath(`The filter value in ${JSON.stringify(path)} is not a valid quoted string`);
  }
};

const profileOf = (document: UserDocument, target: Extract<Target, { kind: 'profile' }>): { container: Record<string, unknown>; key: string; build: (container: Record<string, unknown>) => UserProfile } => {
  if (target.extension) {
    const key = target.attribute.slice(ENTERPRISE_USER_SCHEMA.length + 1);
    const container = isObject(document.profile[ENTERPRISE_USER_SCHEMA]) ? { ...(document.profile[ENTERPRISE_USER_SCHEMA] as Record<string, unknown>) } : {};
    return { container, key, build: (next) => ({ ...document.profile, [ENTERPRISE_USER_SCHEMA]: next }) };
  }
  return { container: { ...document.profile }, key: target.attribute, build: (next) => next };
};

/** Sets (add or replace) one attribute; an `add` to a multi-valued attribute without a filter appends. */
export const setAttribute = (document: UserDocument, path: string, value: unknown, op: 'add' | 'replace' = 'replace'): UserDocument => {
  const target = resolvePath(path);
  switch (target.kind) {
    case 'userName':
      return { ...document, userName: parseUserName(value) };
    case 'externalId':
      return { ...document, externalId: parseExternalId(value) };
    case 'active':
      return { ...document, active: parseActive(value) };
    case 'profile': {
      checkValue(path, value);
      const { container, key, build } = profileOf(document, target);
      const current = container[key];
      if (target.filter) {
        // emails[type eq "work"].value: the matching element's sub-attribute, created when none matches.
        const list = Array.isArray(current) ? current.map((item) => (isObject(item) ? { ...item } : item)) : [];
        const matches = (item: unknown) => isObject(item) && String(item[target.filter!.attribute]) === target.filter!.value;
        let element = list.find(matches) as Record<string, unknown> | undefined;
        if (!element) {
          element = { [target.filter.attribute]: target.filter.value };
          list.push(element);
        }
        if (target.sub) element[target.sub] = value;
        else if (isObject(value)) Object.assign(element, value);
        else throw invalidValue(`${path} needs an object value`);
        container[key] = list;
      } else if (target.sub) {
        container[key] = { ...(isObject(current) ? current : {}), [target.sub]: value };
      } else if (op === 'add' && Array.isArray(current) && Array.isArray(value)) {
        container[key] = [...current, ...value];
      } else if (op === 'add' && isObject(current) && isObject(value)) {
        container[key] = { ...current, ...value };
      } else {
        container[key] = value;
      }
      return { ...document, profile: build(container) };
    }
  }
};

export const removeAttribute = (document: UserDocument, path: string): UserDocument => {
  const target = resolvePath(path);
  if (target.kind === 'userName' || target.kind === 'active') throw invalidValue(`${path} is required and cannot be removed`);
  if (target.kind === 'externalId') return { ...document, externalId: undefined };
  if (target.kind !== 'profile') return document;
  const { container, key, build } = profileOf(document, target);
  const current = container[key];
  if (target.filter) {
    if (Array.isArray(current)) {
      const keep = current.filter((item) => !(isObject(item) && String(item[target.filter!.attribute]) === target.filter!.value));
      container[key] = keep;
    }
  } else if (target.sub) {
    if (isObject(current)) {
      const { [target.sub]: _removed, ...rest } = current;
      container[key] = rest;
    }
  } else {
    delete container[key];
  }
  return { ...document, profile: build(container) };
};

// ------------------------------------------------------------------ PATCH

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** A PatchOp message (RFC 7644 §3.5.2), with the op names in any case, as Entra ID sends them. */
export const parsePatch = (body: unknown): PatchOperation[] => {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object');
  if (!Array.isArray(body.schemas) || !body.schemas.includes(PATCH_OP_SCHEMA)) throw invalidSyntax(`schemas must list ${PATCH_OP_SCHEMA}`);
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax('Operations must be a non-empty array');
  if (operations.length > 100) throw invalidSyntax('At most 100 operations per request');
  return operations.map((operation, index) => {
    if (!isObject(operation) || typeof operation.op !== 'string') throw invalidSyntax(`Operations[${index}].op is required`);
    const op = operation.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`Operations[${index}].op must be add, replace or remove`);
    if (operation.path !== undefined && typeof operation.path !== 'string') throw invalidPath(`Operations[${index}].path must be a string`);
    if (op === 'remove' && operation.path === undefined) throw new ScimError(400, `Operations[${index}]: remove needs a path`, 'noTarget');
    if (op !== 'remove' && operation.value === undefined) throw invalidSyntax(`Operations[${index}].value is required`);
    return { op, path: operation.path as string | undefined, value: operation.value };
  });
};

/** Applies a PATCH to a user: path-less value objects set each of their keys. */
export const applyUserPatch = (document: UserDocument, operations: readonly PatchOperation[]): UserDocument =>
  operations.reduce((current, operation) => {
    if (operation.op === 'remove') return removeAttribute(current, operation.path!);
    if (operation.path !== undefined) return setAttribute(current, operation.path, operation.value, operation.op);
    if (!isObject(operation.value)) throw invalidSyntax('A patch without a path needs an object value');
    let next = current;
    for (const [key, value] of Object.entries(operation.value)) {
      if (IGNORED.has(key)) continue;
      if (key.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase() && isObject(value)) {
        for (const [inner, innerValue] of Object.entries(value)) next = setAttribute(next, `${ENTERPRISE_USER_SCHEMA}:${inner}`, innerValue, operation.op);
        continue;
      }
      next = setAttribute(next, key, value, operation.op);
    }
    return next;
  }, document);
