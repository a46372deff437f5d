import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type AuditEventResource, call } from '../api/client';
import { useSession } from '../auth/session';
import { Pager, useCursorPages } from '../components/pager';
import { actorOf, eventDetails, isDirectoryAction, subjectOf } from '../audit-notices';
import { formatDateTime } from '../format';

/** What GET /v1/audit/events filters on (its generated query type). */
type AuditAction = NonNullable<Parameters<ReturnType<typeof useSession>['client']['v1']['auditEventsControllerList']>[0]>['action'] & string;
/** The key actions owners see too, then the tenant policy and the directory's (io.keystream.directory.user-*), which only admins see. */
const KEY_ACTIONS = ['created', 'edited', 'revoked', 'reactivated', 'deleted', 'rotated', 'expiring-soon', 'expired', 'leak-reported'] as const satisfies readonly AuditAction[];
const ADMIN_ACTIONS = [
  'policy-set',
  'user-provisioned',
  'user-replaced',
  'user-deactivated',
  'user-reactivated',
  'user-admin-granted',
  'user-admin-revoked',
  'user-deleted',
] as const satisfies readonly AuditAction[];
const ACTIONS = [...KEY_ACTIONS, ...ADMIN_ACTIONS] as const;
// Fails to compile when the API gains an action this list does not offer.
const everyActionOffered: Exclude<AuditAction, (typeof ACTIONS)[number]> extends never ? true : never = true;
void everyActionOffered;
type Filters = { keyUid: string; actorUid: string; action: '' | (typeof ACTIONS)[number]; from: string; to: string };
const EMPTY: Filters = { keyUid: '', actorUid: '', action: '', from: '', to: '' };


/** The tenant's audit trail (GET /v1/audit/events), newest first, for tenant admins. */
export function AuditPage({ auditEnabled, onError }: { auditEnabled: boolean; onError: (error: unknown) => void }) {
  const session = useSession();
  const [filters, setFilters] = useState(EMPTY);
  const [draft, setDraft] = useState(EMPTY);
  const pages = useCursorPages();
  const [items, setItems] = useState<AuditEventResource[] | null>(null);

  const load = useCallback(async () => {
    try {
      const day = (value: string) => (value ? `${value}T00:00:00Z` : undefined);
      const list = await call(
        session.client.v1.auditEventsControllerList({
          limit: 25,
          continue: pages.cursor,
          keyUid: filters.keyUid.trim() || undefined,
          actorUid: filters.actorUid.trim() || undefined,
          action: filters.action || undefined,
          from: day(filters.from),
          to: day(filters.to),
        }),
      );
      setItems(list.items);
      pages.setNext(list.listmeta.continue);
    } catch (error) {
      setItems([]);
      onError(error);
    }
  }, [session, filters, pages.cursor, pages.page, pages.generation, pages.setNext, onError]);
  useEffect(() => {
    void load();
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    pages.restart();
    setFilters(draft);
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Audit</h1>
      <p className="lead">Every change to the tenant’s API keys, its key policy and its directory users, newest first, from the hash-chained audit trail.</p>
      <form className="filters" role="search" aria-label="Filter audit events" onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-key">Key id</label>
          <input id="audit-key" value={draft.keyUid} onChange={(e) => setDraft({ ...draft, keyUid: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Done by (user id)</label>
          <input id="audit-actor" value={draft.actorUid} onChange={(e) => setDraft({ ...draft, actorUid: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value as Filters['action'] })}>
            <option value="">Any</option>
            {(session.admin ? ACTIONS : KEY_ACTIONS).map((action) => (
              <option key={action}>{action}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From (UTC day)</label>
          <input id="audit-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">Before (UTC day)</label>
          <input id="audit-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button type="submit">Apply</button>
      </form>
      {items?.length === 0 ? (
        <div className="empty-state">
          {auditEnabled ? (
            <p>No audit events match these filters yet.</p>
          ) : (
            <>
              <p>
                <strong>The audit trail is off on this instance.</strong>
              </p>
              <p>
                Keystream records every change as an event, but nothing publishes them to the audit trail while <code>AUDIT_SINK=none</code>. Set{' '}
                <code>AUDIT_SINK=kafka</code> and run the audit consumer to fill it (see the README’s Audit section).
              </p>
            </>
          )}
        </div>
      ) : (
        <div className="table-wrap" role="region" aria-label="Audit events table" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Owner</th>
                <th scope="col">Done by</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items?.map((event) => (
                <tr key={event.id}>
                  <td>{formatDateTime(event.time)}</td>
                  <td>{event.action}</td>
                  <td className={isDirectoryAction(event.action) ? undefined : 'mono'}>{subjectOf(event)}</td>
                  <td>{event.ownerUid}</td>
                  <td>{actorOf(event)}</td>
                  <td>{eventDetails(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items === null && <p className="empty">Loading…</p>}
        </div>
      )}
      <Pager pages={pages} />
    </section>
  );
}
