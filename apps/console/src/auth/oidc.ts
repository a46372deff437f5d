import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleSettings } from './settings';

export const CALLBACK_PATH = '/console/callback';

/**
 * Authorization code flow with PKCE (oidc-client-ts). The tokens it receives stay in memory; only
 * the short-lived PKCE verifier and state sit in sessionStorage across the redirect, and the
 * library removes them when the callback completes.
 */
export const userManager = (oidc: NonNullable<ConsoleSettings['oidc']>): UserManager =>
  new UserManager({
    authority: oidc.issuer,
    client_id: oidc.clientId,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/console/`,
    response_type: 'code',
    scope: 'openid profile keystream',
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    automaticSilentRenew: false,
    loadUserInfo: false,
  });

/** The JWT the API verifies: the access token when it is a JWT, else the ID token (both signed by the issuer's JWKS). */
export const apiToken = (user: { access_token: string; id_token?: string }): string =>
  user.access_token.split('.').length === 3 ? user.access_token : (user.id_token ?? user.access_token);
