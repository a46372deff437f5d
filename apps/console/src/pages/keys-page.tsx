import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, type ApiKeyResource, type TenantKeyPolicyResource, call } from '../api/client';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/dialog';
import { KeyFormDialog } from '../components/key-form-dialog';
import { Pager, useCursorPages } from '../components/pager';
import { RevealDialog } from '../components/reveal-dialog';
import { RotateDialog } from '../components/rotate-dialog';
import { RowMenu } from '../components/row-menu';
import { useToast } from '../components/toasts';
import { expiryBadge, formatDate, formatDateTime } from '../format';
import { BASE, Link } from '../router';

const PAGE_SIZE = 10;
type StatusFilter = 'all' | 'active' | 'revoked';
type Pending = { kind: 'revoke' | 'delete' | 'rotate'; key: ApiKeyResource } | null;

/** My API Keys (the caller's own) and Tenant API Keys (every key of the tenant, for admins). */
export function KeysPage({ scope, maxLifetimeDays, onError }: { scope: 'mine' | 'tenant'; maxLifetimeDays: number; onError: (error: unknown) => void }) {
  const session = useSession();
  const toast = useToast();
  const [items, setItems] = useState<ApiKeyResource[] | null>(null);
  const pages = useCursorPages();
  const [query, setQuery] = useState({ q: '', status: 'all' as StatusFilter, user: '' });
  const [draft, setDraft] = useState(query);
  const [dialog, setDialog] = useState<'create' | ApiKeyResource | null>(null);
  const [reveal, setReveal] = useState<{ name: string; apiKey: string; title?: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  // Keys rotated from this page, with until when their previous value works (the listing has no rotation
  // fields; the key's page shows every rotation from the audit trail). Not a secret; kept in memory only.
  const [rotatedUntil, setRotatedUntil] = useState<Record<string, string>>({});
  // Admins read the tenant's key policy: shown on the page, and its lifetime bounds the custom date.
  // Plain users cannot read it (the API answers 403) and keep the service default; the API decides either way.
  const [policy, setPolicy] = useState<TenantKeyPolicyResource | null>(null);
  useEffect(() => {
    if (!session.admin) return;
    call(session.client.v1.tenantPolicyControllerGet(session.user.tenantUid)).then(setPolicy, () => setPolicy(null));
  }, [session]);
  const lifetimeDays = policy ? (policy.maxKeyLifetimeDays === 'none' ? null : policy.maxKeyLifetimeDays) : maxLifetimeDays;

  const load = useCallback(async () => {
    try {
      const userUid = scope === 'mine' ? session.user.userUid : query.user.trim() || undefined;
      const isActive = query.status === 'all' ? undefined : query.status === 'active';
      const list = await call(
        session.client.v1.listKeysControllerList({ limit: PAGE_SIZE, continue: pages.cursor, q: query.q.trim() || undefined, userUid, isActive }),
      );
      setItems(list.items);
      pages.setNext(list.listmeta?.continue ?? '');
    } catch (error) {
      setItems([]);
      onError(error);
    }
  }, [session, scope, query, pages.cursor, pages.page, pages.generation, pages.setNext, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    pages.restart();
    setQuery(draft);
  };

  const act = async (label: string, run: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await run();
      toast(label);
      await load();
    } catch (error) {
      toast(error instanceof ApiError ? error.message : 'The action failed.', 'bad');
      if (error instanceof ApiError && error.status === 401) onError(error);
    } finally {
      setBusy(false);
      setPending(null);
    }
  };
  const setActive = (key: ApiKeyResource, isActive: boolean) =>
    act(`API key “${key.metadata.name}” ${isActive ? 're-activated' : 'revoked'}.`, () =>
      call(session.client.v1.changeKeyStateControllerPutState(key.metadata.uid, { isActive })),
    );

  const rotate = (key: ApiKeyResource, gracePeriodSeconds: number) =>
    act(`API key “${key.metadata.name}” rotated.`, async () => {
      const rotated = await call(session.client.v1.rotateKeyControllerRotate(key.metadata.uid, { gracePeriodSeconds }));
      setRotatedUntil((before) => ({ ...before, [rotated.uid]: rotated.previousValidUntil }));
      setReveal({ name: key.metadata.name, apiKey: rotated.apiKey, title: `API key “${key.metadata.name}” rotated` });
    });

  const title = scope === 'mine' ? 'My API Keys' : 'Tenant API Keys';
  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">{title}</h1>
        <button type="button" className="primary" onClick={() => setDialog('create')}>
          Add New API Key
        </button>
      </div>
      <p className="lead">
        {scope === 'mine'
          ? 'Keys that act as you. A key’s value is shown once, when it is created.'
          : `Every API key of tenant ${session.user.tenantUid}. Tenant admins can edit, revoke, re-activate and delete any of them.`}
      </p>
      {policy && (
        <p className="hint" data-testid="tenant-policy">
          Key policy ({policy.source === 'tenant' ? 'set for this tenant' : 'service defaults'}):{' '}
          {policy.maxKeyLifetimeDays === 'none' ? 'no maximum lifetime' : `keys expire within ${policy.maxKeyLifetimeDays} days`} · at most{' '}
          {policy.maxKeysPerUser} keys per user · description {policy.requireDescription ? 'required' : 'optional'}.
        </p>
      )}
      <form className="filters" role="search" aria-label={`Filter ${title}`} onSubmit={search}>
        <div className="field">
          <label htmlFor="filter-q">Search by name</label>
          <input id="filter-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value as StatusFilter })}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
          </select>
        </div>
        {scope === 'tenant' && (
          <div className="field">
            <label htmlFor="filter-user">User</label>
            <input id="filter-user" value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })} />
          </div>
        )}
        <button type="submit">Apply</button>
      </form>
      <div className="table-wrap" role="region" aria-label={`${title} table`} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              {scope === 'tenant' && <th scope="col">User</th>}
              <th scope="col">Expiration</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items?.map((key) => {
              const badge = expiryBadge(key.spec.expiry, key.status.expired);
              const name = key.metadata.name;
              return (
                <tr key={key.metadata.uid}>
                  <td>
                    <Link to={`${BASE}/keys/${encodeURIComponent(key.metadata.uid)}`}>{name}</Link>
                  </td>
                  <td>{key.metadata.annotations.description}</td>
                  {scope === 'tenant' && <td>{[key.spec.user.firstName, key.spec.user.lastName].filter(Boolean).join(' ') || key.spec.user.uid} <span className="muted">({key.spec.user.uid})</span></td>}
                  <td>
                    {formatDate(key.spec.expiry)} <span className={`badge badge-${badge.tone}`}>{badge.text}</span>
                  </td>
                  <td>
                    <span className={`badge ${key.status.isActive ? 'badge-ok' : 'badge-muted'}`}>{key.status.isActive ? 'active' : 'revoked'}</span>
                    {rotatedUntil[key.metadata.uid] && (
                      <span className="badge badge-warn">
                        {' '}
                        rotated{Date.parse(rotatedUntil[key.metadata.uid]!) > Date.now() ? ` · previous value until ${formatDateTime(rotatedUntil[key.metadata.uid]!)}` : ''}
                      </span>
                    )}
                  </td>
                  <td>{formatDate(key.metadata.creationTimestamp)}</td>
                  <td title={key.status.lastUsedFrom?.length ? `From ${key.status.lastUsedFrom.join(', ')}` : undefined}>
                    {key.status.lastUsedAt ? formatDateTime(key.status.lastUsedAt) : <span className="muted">Never</span>}
                  </td>
                  <td>
                    <RowMenu
                      label={`Actions for ${name}`}
                      actions={[
                        { label: 'Edit', onSelect: () => setDialog(key) },
                        { label: 'Rotate', onSelect: () => setPending({ kind: 'rotate', key }) },
                        key.status.isActive
                          ? { label: 'Revoke', onSelect: () => setPending({ kind: 'revoke', key }), danger: true }
                          : { label: 'Re-activate', onSelect: () => void setActive(key, true) },
                        { label: 'Delete', onSelect: () => setPending({ kind: 'delete', key }), danger: true },
                      ]}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {items === null && <p className="empty">Loading…</p>}
        {items?.length === 0 && <p className="empty">No API keys match. Use “Add New API Key” to create one.</p>}
      </div>
      <Pager pages={pages} />
      {dialog && (
        <KeyFormDialog
          existing={dialog === 'create' ? undefined : dialog}
          maxLifetimeDays={lifetimeDays}
          onClose={() => setDialog(null)}
          onDone={(created) => {
            setDialog(null);
            if (created) setReveal({ name: created.name, apiKey: created.apiKey });
            else toast('API key updated.');
            void load();
          }}
        />
      )}
      {reveal && <RevealDialog name={reveal.name} value={reveal.apiKey} title={reveal.title} onClose={() => setReveal(null)} />}
      {pending?.kind === 'rotate' && (
        <RotateDialog
          name={pending.key.metadata.name}
          revoked={!pending.key.status.isActive}
          busy={busy}
          onClose={() => setPending(null)}
          onConfirm={(grace) => void rotate(pending.key, grace)}
        />
      )}
      {pending && pending.kind !== 'rotate' && (
        <ConfirmDialog
          title={pending.kind === 'revoke' ? 'Revoke API key' : 'Delete API key'}
          message={
            pending.kind === 'revoke'
              ? `Revoke “${pending.key.metadata.name}”? Requests with it are refused at once; you can re-activate it later.`
              : `Delete “${pending.key.metadata.name}”? This cannot be undone; requests with it are refused from now on.`
          }
          confirm={pending.kind === 'revoke' ? 'Revoke' : 'Delete'}
          danger
          busy={busy}
          onClose={() => setPending(null)}
          onConfirm={() =>
            pending.kind === 'revoke'
              ? void setActive(pending.key, false)
              : void act(`API key “${pending.key.metadata.name}” deleted.`, () => call(session.client.v1.deleteKeyControllerDelete(pending.key.metadata.uid)))
          }
        />
      )}
    </section>
  );
}
