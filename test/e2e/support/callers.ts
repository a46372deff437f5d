import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** Who calls the API in the e2e tests: identity-provider tokens (good and forged), keys, bodies and dates. */
export const JWT_SECRET = 'e2e-secret-that-is-long-enough-for-hs256!';

export const randomId = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

export type Headers = Record<string, string>;

// ---------------------------------------------------------------- callers

export interface Actor {
  tenant: string;
  userId: string;
  admin: boolean;
  token: string;
  /** `Authorization: Bearer <jwt>` */
  headers: Headers;
}

export interface TokenOptions {
  secret?: string;
  /** Seconds from now; negative for an expired token. Default 1 h. */
  expiresIn?: number;
  /** Seconds from now for `nbf`. */
  notBefore?: number;
  claims?: Record<string, unknown>;
  omit?: string[];
}

/** An HS256 token as the identity provider would issue it (or a bent one, for the refusal tests). */
export async function mintToken(
  tenant: string,
  userId: string,
  admin = false,
  options: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: userId,
    tenant,
    roles: admin ? ['tenant-admin'] : ['user'],
    given_name: `First-${userId}`,
    family_name: `Last-${userId}`,
    iat: now,
    exp: now + (options.expiresIn ?? 3600),
    ...(options.notBefore === undefined ? {} : { nbf: now + options.notBefore }),
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

/** An unsigned `alg: none` token, built by hand (jose refuses to make one). */
export function unsignedToken(tenant: string, userId: string, admin = true): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: userId, tenant, roles: admin ? ['tenant-admin'] : [], exp: now + 3600 })}.`;
}

export async function actor(tenant: string, options: { admin?: boolean; userId?: string } = {}): Promise<Actor> {
  const userId = options.userId ?? randomId(options.admin ? 'admin' : 'user');
  const token = await mintToken(tenant, userId, options.admin ?? false);
  return { tenant, userId, admin: options.admin ?? false, token, headers: { authorization: `Bearer ${token}` } };
}

/** A tenant with one admin and two plain users. */
export async function tenantWithUsers() {
  const tenant = randomId('tenant');
  const [admin, alice, bob] = await Promise.all([actor(tenant, { admin: true }), actor(tenant), actor(tenant)]);
  return { tenant, admin, alice, bob };
}

export const asKey = (apiKey: string): Headers => ({ apiKey });

// ---------------------------------------------------------------- bodies and dates

export const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
export const inDays = (days: number): string => inMs(days * 24 * 60 * 60 * 1000);
export const ZERO_TIME = '0001-01-01T00:00:00.000Z';
/** RFC 3339 UTC with milliseconds, as every time the API emits. */
export const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A create body; the default expiry (60 days) is beyond the first expiry notice (30 days before), so a
 * key made by a test that is not about notices never gets a system event (KeyExpiringSoon) in its stream.
 */
export function createBody(name: string, options: { description?: string; expiry?: string; userUid?: string } = {}) {
  return {
    metadata: { name, annotations: options.description === undefined ? undefined : { description: options.description } },
    spec: { expiry: options.expiry ?? inDays(60), ...(options.userUid === undefined ? {} : { userUid: options.userUid }) },
  };
}

