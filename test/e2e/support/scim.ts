import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { E2eApp } from '../harness.js';
import type { ApiResponse } from './http.js';

/** SCIM test plumbing: tenants with a configured bearer token, and calls as an identity provider makes them. */
export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimTenant {
  tenant: string;
  token: string;
}

export const scimTenant = (tenant: string): ScimTenant => ({ tenant, token: `kscim_e2e-${tenant}-token-0123456789abcdef` });

/** The SCIM_TOKEN_SHA256 setting for some tenants: only hashes are configured. */
export const scimEnv = (...tenants: ScimTenant[]): Record<string, string> => ({
  SCIM_TOKEN_SHA256: tenants.map(({ tenant, token }) => `${tenant}:${createHash('sha256').update(token).digest('hex')}`).join(','),
});

export const scim = (app: E2eApp, as: ScimTenant, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> =>
  app.call(method, url, {
    body,
    headers: { authorization: `Bearer ${as.token}`, accept: `${SCIM_CONTENT_TYPE}, application/json`, ...(body === undefined ? {} : { 'content-type': SCIM_CONTENT_TYPE }), ...headers },
  });

/** A SCIM error: its schema, status as a string, scimType when given, the SCIM media type. */
export function expectScimError(response: ApiResponse, status: number, scimType?: string): void {
  expect(response.status, response.text).toBe(status);
  expect(String(response.headers['content-type'])).toContain(SCIM_CONTENT_TYPE);
  expect(response.json.schemas).toEqual([ERROR_SCHEMA]);
  expect(response.json.status).toBe(String(status));
  expect(typeof response.json.detail).toBe('string');
  if (scimType === undefined) expect(response.json.scimType).toBeUndefined();
  else expect(response.json.scimType).toBe(scimType);
}

export const userBody = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA],
  userName,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  active: true,
  ...extra,
});

export async function provision(app: E2eApp, as: ScimTenant, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await scim(app, as, 'POST', '/scim/v2/Users', userBody(userName, extra));
  expect(response.status, response.text).toBe(201);
  return response.json.id as string;
}

export const patchOps = (...operations: Record<string, unknown>[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });
