import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import Provider from 'oidc-provider';

/** A free port on 127.0.0.1 (the app's settings must name the issuer before the provider can name the app). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export interface Account {
  sub: string;
  tenant: string;
  roles: string[];
}

/**
 * A real OpenID provider (panva's oidc-provider, OpenID Certified) on 127.0.0.1 with its development
 * login and consent pages, one public client for the console (code flow, PKCE required for public
 * clients), and ID tokens that carry Keystream's claims `tenant` and `roles` (scope `keystream`).
 */
export async function startOidcProvider(port: number, clientId: string, appUrl: string, account: Account): Promise<{ issuer: string; close: () => Promise<void> }> {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${appUrl}/console/callback`],
        post_logout_redirect_uris: [`${appUrl}/console/`],
      },
    ],
    jwks: { keys: [jwk as never] },
    scopes: ['openid', 'profile', 'keystream'],
    claims: { openid: ['sub'], profile: ['given_name', 'family_name'], keystream: ['tenant', 'roles'] },
    // The API verifies the ID token, so the claims go into it rather than only to the userinfo endpoint.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) =>
      sub === account.sub
        ? { accountId: sub, claims: async () => ({ sub, tenant: account.tenant, roles: account.roles, given_name: 'Olivia', family_name: 'Ops' }) }
        : undefined,
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    // The console (a public client) may call the token endpoint from its own origin only.
    clientBasedCORS: (_ctx, origin) => origin === new URL(appUrl).origin,
  });
  const server: Server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
