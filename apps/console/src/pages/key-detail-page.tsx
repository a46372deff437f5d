import { useEffect, useState } from 'react';
import { ApiError, type ApiKeyResource, call } from '../api/client';
import { useSession } from '../auth/session';
import { expiryBadge, formatDateTime } from '../format';
import { BASE, Link } from '../router';

/** One key by its uid (a link from the tables, or typed into the address bar): the API decides who may see it. */
export function KeyDetailPage({ uid, onError }: { uid: string; onError: (error: unknown) => void }) {
  const session = useSession();
  const [key, setKey] = useState<ApiKeyResource | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    call(session.client.v1.getKeyControllerGet(uid))
      .then(setKey)
      .catch((error) => (error instanceof ApiError && error.status === 404 ? setMissing(true) : onError(error)));
  }, [session, uid, onError]);
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link to={`${BASE}/`}>← My API Keys</Link>
      </p>
      {missing && (
        <>
          <h1 id="page-title">API key not found</h1>
          <p className="alert alert-bad">There is no API key with this id that you may see.</p>
        </>
      )}
      {!missing && !key && <h1 id="page-title">Loading…</h1>}
      {key && (
        <>
          <h1 id="page-title">{key.metadata.name}</h1>
          <dl className="details">
            <dt>Description</dt>
            <dd>{key.metadata.annotations.description || '—'}</dd>
            <dt>User</dt>
            <dd>{key.spec.user.uid}</dd>
            <dt>Expiration</dt>
            <dd>
              {formatDateTime(key.spec.expiry)} <span className="badge">{expiryBadge(key.spec.expiry, key.status.expired).text}</span>
            </dd>
            <dt>Status</dt>
            <dd>{key.status.isActive ? 'active' : 'revoked'}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(key.metadata.creationTimestamp)}</dd>
            <dt>Id</dt>
            <dd className="mono">{key.metadata.uid}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
