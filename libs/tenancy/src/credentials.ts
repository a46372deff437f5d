import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyAuthenticator } from './api-key-authenticator.port.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import type { JwtVerifier } from './jwt-verifier.js';

/** Every Keystream key value starts with it (libs/secrets): how a key is told from a JWT in Authorization. */
const API_KEY_PREFIX = 'ks_';

/**
 * The caller a request's credentials act as, for the guard and forward-auth alike (the one place
 * that reads them): a present `apiKey` header is the credential and is never retried as a token,
 * so one bad credential cannot hide behind another; otherwise `Authorization`, raw as Palette sends
 * it or with `Bearer`, carrying a JWT, or with `keyInAuthorization` (forward-auth: gateways forward
 * what clients send) a Keystream key (`ks_...`). The management API takes keys only in `apiKey`: a
 * key there is checked as a token, and refused. Undefined when there is none (or it is blank); a
 * header sent twice counts as none. Synchronous when nothing needs checking.
 */
export function resolveCredentials(
  headers: IncomingHttpHeaders,
  apiKeys: Pick<ApiKeyAuthenticator, 'authenticate'>,
  jwt: Pick<JwtVerifier, 'verify'>,
  { keyInAuthorization }: { keyInAuthorization: boolean },
): Promise<AuthenticatedCaller | undefined> | undefined {
  const apiKey = headers['apikey'];
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string') return undefined;
    const value = apiKey.trim();
    return value ? apiKeys.authenticate(value) : undefined;
  }
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const value = authorization.replace(/^Bearer\s+/i, '').trim();
  if (!value) return undefined;
  return keyInAuthorization && value.startsWith(API_KEY_PREFIX) ? apiKeys.authenticate(value) : jwt.verify(value);
}
