import type { AuthenticatedCaller } from './authenticated-caller.js';

export const API_KEY_AUTHENTICATOR = Symbol('API_KEY_AUTHENTICATOR');

/**
 * Resolves a presented `apiKey` header to the caller it acts as; undefined when it must be refused.
 * Authenticating records nothing: the guard and forward-auth call `recordUse` once the request is
 * accepted (after the directory's standing, which may still refuse it), so a refused request never
 * counts as the key's last use.
 */
export interface ApiKeyAuthenticator {
  authenticate(value: string): Promise<AuthenticatedCaller | undefined>;
  /** The key was used by an accepted request; `source`: the client's address as the HTTP server sees it. */
  recordUse(keyId: string, tenantId: string, source?: string): void;
}
