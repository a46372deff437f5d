import type { AuthenticatedCaller } from './authenticated-caller.js';

export const API_KEY_AUTHENTICATOR = Symbol('API_KEY_AUTHENTICATOR');

/** Resolves a presented `apiKey` header to the caller it acts as; undefined when it must be refused. */
export interface ApiKeyAuthenticator {
  authenticate(value: string): Promise<AuthenticatedCaller | undefined>;
}
