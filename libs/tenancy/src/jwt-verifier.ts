import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import type { AuthenticatedCaller } from './authenticated-caller.js';

export const TENANT_ADMIN_ROLE = 'tenant-admin';

export interface JwtSettings {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/**
 * Verifies identity-provider tokens with jose. The accepted algorithms are pinned per key source, so
 * `alg: none`, an HS256 token signed with a public key, or any unknown algorithm is refused.
 */
export class JwtVerifier {
  private readonly key?: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly settings: JwtSettings) {
    if (settings.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(settings.jwksUrl));
      this.algorithms = ['RS256', 'ES256'];
    } else if (settings.secret) {
      this.key = new TextEncoder().encode(settings.secret);
      this.algorithms = ['HS256'];
    } else {
      this.algorithms = [];
    }
  }

  get isConfigured(): boolean {
    return this.key !== undefined;
  }

  /** The caller a valid token stands for; undefined for anything invalid. */
  async verify(token: string): Promise<AuthenticatedCaller | undefined> {
    if (!this.key) return undefined;
    try {
      // A token without `exp` would be valid forever: refuse it.
      const options = {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['exp', 'sub'],
      };
      const { payload } =
        this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
      return toCaller(payload);
    } catch {
      return undefined;
    }
  }
}

const toCaller = (payload: JWTPayload): AuthenticatedCaller | undefined => {
  const { sub, tenant, roles, given_name: firstName, family_name: lastName } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || typeof tenant !== 'string' || tenant.length === 0) return undefined;
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) return undefined;
  return {
    kind: 'user',
    tenantId: tenant,
    userId: sub,
    isTenantAdmin: Array.isArray(roles) && roles.includes(TENANT_ADMIN_ROLE),
    via: 'jwt',
    firstName: typeof firstName === 'string' ? firstName : undefined,
    lastName: typeof lastName === 'string' ? lastName : undefined,
  };
};
