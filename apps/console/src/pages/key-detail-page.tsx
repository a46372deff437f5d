import { useEffect, useState } from 'react';
import { ApiError, type ApiKeyResource, type AuditEventResource, call } from '../api/client';
import { useSession } from '../auth/session';
import { type KeyNotice, actorOf, eventDetails, keyNotices } from '../audit-notices';
import { expiryBadge, formatDateTime } from '../format';
import { BASE, Link } from '../router';

/**
 * One key by its uid (a link from the tables, or typed into the address bar): the API decides who may
 * see it. Below it, its notices (expires soon, expired, reported leaked) and its audit trail, which
 * the API gives a tenant admin and the key's owner.
 */
export function KeyDetailPage({ uid, auditEnabled, onError }: { uid: string; auditEnabled: boolean; onError: (error: unknown) => void }) {
  const session = useSession();
  const [key, setKey] = useState<ApiKeyResource | null>(null);
  const [missing, setMissing] = useState(false);
  const [history, setHistory] = useState<AuditEventResource[] | null>(null);
  useEffect(() => {
    call(session.client.v1.getKeyControllerGet(uid))
      .then(setKey)
      .catch((error) => (error instanceof ApiError && error.status === 404 ? setMissing(true) : onError(error)));
  }, [session, uid, onError]);
  useEffect(() => {
    if (!key) return;
    // The key's newest events; a trail that cannot be read leaves the notices to the key's own status.
    call(session.client.v1.auditEventsControllerList({ keyUid: key.metadata.uid, limit: 100 })).then(
      (list) => setHistory(list.items),
      () => setHistory([]),
    );
  }, [session, key]);
  const notices = key ? keyNotices(key, history ?? []) : [];
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
          {notices.length > 0 && (
            <ul className="notices" aria-label="Notices">
              {notices.map((notice: KeyNotice) => (
                <li key={notice.kind} className={`alert alert-${notice.tone}`}>
                  <strong>{notice.title}</strong> {notice.text}
                </li>
              ))}
            </ul>
          )}
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
            <dt>Last used</dt>
            <dd>{key.status.lastUsedAt ? `${formatDateTime(key.status.lastUsedAt)}${key.status.lastUsedFrom?.length ? ` from ${key.status.lastUsedFrom.join(', ')}` : ''}` : 'Never'}</dd>
            <dt>Id</dt>
            <dd className="mono">{key.metadata.uid}</dd>
          </dl>
          <h2 id="history-title">History</h2>
          {history === null && <p className="empty">Loading…</p>}
          {history?.length === 0 && (
            <p className="empty">
              {auditEnabled ? 'No audit events for this key yet (the audit trail records them a moment after they happen).' : 'The audit trail is off on this instance.'}
            </p>
          )}
          {history && history.length > 0 && (
            <div className="table-wrap" role="region" aria-labelledby="history-title" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Action</th>
                    <th scope="col">Done by</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {history.map((event) => (
                    <tr key={event.id}>
                      <td>{formatDateTime(event.time)}</td>
                      <td>{event.action}</td>
                      <td>{actorOf(event)}</td>
                      <td>{eventDetails(event)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
