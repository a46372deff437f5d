import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api/client';
import { apiToken, CALLBACK_PATH, userManager } from './auth/oidc';
import { openSession, type Session, SessionContext } from './auth/session';
import { type ConsoleSettings, loadSettings } from './auth/settings';
import { ToastProvider } from './components/toasts';
import { AuditPage } from './pages/audit-page';
import { KeyDetailPage } from './pages/key-detail-page';
import { KeysPage } from './pages/keys-page';
import { SignInPage } from './pages/sign-in-page';
import { BASE, Link, navigate, usePath } from './router';

export function App() {
  const [settings, setSettings] = useState<ConsoleSettings | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [fatal, setFatal] = useState('');
  const [notice, setNotice] = useState('');
  const path = usePath();

  useEffect(() => {
    loadSettings().then(setSettings, (error: Error) => setFatal(error.message));
  }, []);

  // Back from the identity provider: exchange the code (PKCE) and sign in with the resulting JWT.
  useEffect(() => {
    if (!settings?.oidc || window.location.pathname !== CALLBACK_PATH) return;
    const manager = userManager(settings.oidc);
    manager
      .signinRedirectCallback()
      .then((user) => openSession({ kind: 'jwt', value: apiToken(user) }, 'oidc'))
      .then((opened) => {
        setSession(opened);
        window.history.replaceState(null, '', `${BASE}/`);
        navigate(`${BASE}/`);
      })
      .catch((error: Error) => {
        window.history.replaceState(null, '', `${BASE}/`);
        setNotice(error instanceof ApiError ? error.message : `Sign-in with the identity provider failed: ${error.message}`);
      });
  }, [settings]);

  const signOut = useCallback((reason?: string) => {
    setSession(null);
    setNotice(reason ?? '');
    navigate(`${BASE}/`);
  }, []);

  /** 401 ends the session with an explanation; anything else is shown above the page. */
  const [pageError, setPageError] = useState('');
  const onError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return signOut(error.message);
      setPageError(error instanceof Error ? error.message : 'Something went wrong.');
    },
    [signOut],
  );
  useEffect(() => setPageError(''), [path]);

  if (fatal) return <main className="sign-in"><h1>Keystream console</h1><p className="alert alert-bad" role="alert">{fatal}</p></main>;
  if (!settings || (path === CALLBACK_PATH && !notice && !session)) return <main className="sign-in"><h1>Keystream console</h1><p>Loading…</p></main>;
  if (!session) return <SignInPage settings={settings} onSignedIn={(s) => (setNotice(''), setSession(s))} notice={notice} />;

  const page = path.replace(/\/+$/, '') || BASE;
  const keyMatch = /^\/console\/keys\/([^/]+)$/.exec(page);
  let content;
  if (keyMatch) content = <KeyDetailPage uid={decodeURIComponent(keyMatch[1]!)} auditEnabled={settings.auditEnabled} onError={onError} />;
  else if (page === `${BASE}/tenant` && session.admin) content = <KeysPage key="tenant" scope="tenant" maxLifetimeDays={settings.maxKeyLifetimeDays} onError={onError} />;
  else if (page === `${BASE}/audit` && session.admin) content = <AuditPage auditEnabled={settings.auditEnabled} onError={onError} />;
  else if (page === BASE) content = <KeysPage key="mine" scope="mine" maxLifetimeDays={settings.maxKeyLifetimeDays} onError={onError} />;
  else content = <section aria-labelledby="page-title"><h1 id="page-title">Page not found</h1><p>There is no such page here, or it needs a tenant admin.</p></section>;

  const name = session.user.userUid;
  return (
    <SessionContext.Provider value={session}>
      <ToastProvider>
        <a className="skip" href="#main">Skip to main content</a>
        <header className="top">
          <span className="brand">Keystream</span>
          <nav aria-label="Main">
            <Link to={`${BASE}/`} current={page === BASE}>My API Keys</Link>
            {session.admin && <Link to={`${BASE}/tenant`} current={page === `${BASE}/tenant`}>Tenant API Keys</Link>}
            {session.admin && <Link to={`${BASE}/audit`} current={page === `${BASE}/audit`}>Audit</Link>}
          </nav>
          <div className="who">
            <span>
              {name} · {session.user.tenantUid}
              {session.admin ? ' · tenant admin' : ''}
              {session.via === 'development' ? ' · development sign-in' : ''}
            </span>
            <button type="button" onClick={() => signOut()}>Sign out</button>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {pageError && <p className="alert alert-bad" role="alert">{pageError}</p>}
          {content}
        </main>
      </ToastProvider>
    </SessionContext.Provider>
  );
}
