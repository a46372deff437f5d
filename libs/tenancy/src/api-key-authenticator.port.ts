import type { AuthenticatedCaller } from './authenticated-caller.js';

export const API_KEY_AUTHENTICATOR = Symbol('API_KEY_AUTHENTICATOR');

/**
 * Resolves a presented `apiKey` header to the caller it acts as; undefined when it must be refused.
 * `source`: the client's address as the HTTP server sees it, recorded as the key's last use.
 */
export interface ApiKeyAuthenticator {
  authenticate(value: string, source?: string): Promise<AuthenticatedCaller | undefined>;
}
