import { createContext, useContext } from 'react';
import { call, type Client, createClient, type Credential, type UserInfoResource } from '../api/client';

/**
 * Who is signed in. Held in React state only: never in localStorage, sessionStorage, cookies or the
 * URL, so a reload or closing the tab signs out, and sign-out drops everything by dropping this.
 */
export interface Session {
  credential: Credential;
  client: Client;
  user: UserInfoResource;
  admin: boolean;
  via: 'development' | 'oidc';
}

export const SessionContext = createContext<Session | null>(null);

export const useSession = (): Session => {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
};

/** A pasted value: a JWT has three base64url parts; anything else is taken as an API key. */
export const credentialFrom = (pasted: string): Credential => {
  const value = pasted.trim().replace(/^Bearer\s+/i, '');
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) ? { kind: 'jwt', value } : { kind: 'apiKey', value };
};

/**
 * Checks the credential with the API and learns the caller's user, tenant and effective role in one
 * call (user info's `role`, a Keystream extension the client asks for on every call), so it holds
 * for API keys as for tokens and follows the directory; the API stays the guard either way.
 */
export async function openSession(credential: Credential, via: Session['via']): Promise<Session> {
  const client = createClient(credential);
  const user = await call(client.v1.userInfoControllerInfo());
  return { credential, client, user, admin: user.role === 'tenant-admin', via };
}
