import { createHash, randomBytes } from 'node:crypto';

/** Every SCIM bearer token Keystream issues starts with it, so a scanner can tell one from a key. */
export const SCIM_TOKEN_PREFIX = 'kscim_';

export const hashScimToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A new token (256 random bits) and the hash to configure; the token itself is shown once and kept nowhere. */
export const issueScimToken = (): { token: string; sha256: string } => {
  const token = `${SCIM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, sha256: hashScimToken(token) };
};

/**
 * The configured tokens: `SCIM_TOKEN_SHA256=<tenant>:<sha256 hex>,...` (several per tenant allowed,
 * for rotation). Only hashes are configured; a token is found by the hash of what is presented, so
 * no comparison ever runs over the token itself (a lookup by a SHA-256 of 256 random bits leaks
 * nothing a guesser can use). A tenant with a token has SCIM on.
 */
export class ScimTokens {
  private readonly tenantByHash = new Map<string, string>();
  private readonly tenants = new Set<string>();

  constructor(entries: readonly { tenantId: string; sha256: string }[]) {
    for (const { tenantId, sha256 } of entries) {
      this.tenantByHash.set(sha256.toLowerCase(), tenantId);
      this.tenants.add(tenantId);
    }
  }

  static parse(setting: string | undefined): ScimTokens {
    const entries = (setting ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => {
        const at = entry.lastIndexOf(':');
        const tenantId = entry.slice(0, at);
        const sha256 = entry.slice(at + 1);
        if (at <= 0 || !/^[0-9a-fA-F]{64}$/.test(sha256)) throw new Error('SCIM_TOKEN_SHA256 entries must be <tenant>:<64 hex digits>');
        return { tenantId, sha256 };
      });
    return new ScimTokens(entries);
  }

  /** The tenant a presented token belongs to; undefined for anything else. */
  tenantOf(token: string): string | undefined {
    return this.tenantByHash.get(hashScimToken(token));
  }

  /** Whether the tenant's users and roles come from its directory. */
  isOn(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }
}
