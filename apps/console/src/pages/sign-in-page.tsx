import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { userManager } from '../auth/oidc';
import { credentialFrom, openSession, type Session } from '../auth/session';
import type { ConsoleSettings } from '../auth/settings';

/** OpenID Connect when the instance names a provider; otherwise the development sign-in. */
export function SignInPage({ settings, onSignedIn, notice }: { settings: ConsoleSettings; onSignedIn: (session: Session) => void; notice?: string }) {
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState(notice ?? '');
  const [busy, setBusy] = useState(false);

  const devSignIn = async (event: FormEvent) => {
    event.preventDefault();
    if (!pasted.trim()) return setError('Paste a token or an API key.');
    setBusy(true);
    try {
      onSignedIn(await openSession(credentialFrom(pasted), 'development'));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'Keystream refused this token or key: it is unknown, expired or revoked.' : failure instanceof Error ? failure.message : 'Sign-in failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Keystream</h1>
      {error && (
        <p className="alert alert-bad" role="alert">
          {error}
        </p>
      )}
      {settings.oidc && (
        <section aria-labelledby="oidc-title" className="card">
          <h2 id="oidc-title">Single sign-on</h2>
          <p>You sign in with your organisation’s identity provider ({new URL(settings.oidc.issuer).host}).</p>
          <button type="button" className="primary" onClick={() => void userManager(settings.oidc!).signinRedirect()}>
            Sign in with your identity provider
          </button>
        </section>
      )}
      {settings.devSignIn && (
        <section aria-labelledby="dev-title" className="card card-dev">
          <h2 id="dev-title">
            Development sign-in <span className="badge badge-warn">development only</span>
          </h2>
          <p>
            No identity provider is configured (<code>AUTH_OIDC_ISSUER</code>, <code>AUTH_OIDC_CLIENT_ID</code>), so paste a development token from{' '}
            <code>npm run -s cli -- token --tenant acme --user alice --admin</code> (needs <code>AUTH_JWT_SECRET</code>) or an API key, for example from{' '}
            <code>npm run -s cli -- bootstrap-key --tenant acme --user alice</code>. It is kept in this tab’s memory only: reloading signs you out.
          </p>
          <form onSubmit={devSignIn}>
            <div className="field">
              <label htmlFor="dev-credential">Token or API key</label>
              <input id="dev-credential" type="password" autoComplete="off" spellCheck={false} value={pasted} onChange={(e) => setPasted(e.target.value)} />
            </div>
            <button type="submit" className="primary" disabled={busy}>
              Sign in (development)
            </button>
          </form>
        </section>
      )}
    </main>
  );
}
