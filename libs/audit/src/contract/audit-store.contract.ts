import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, chainHash } from '../audit-chain.js';
import type { AuditStore } from '../audit-store.port.js';
import { auditEvent, eventsOf } from './audit-store.fixtures.js';

export interface AuditStoreSubject {
  store: AuditStore;
  /** Another store over the same database, as a second consumer process would open it. */
  openSibling(): Promise<AuditStore>;
  /** Runs SQL behind the store's back, as someone tampering with the table would; `?` placeholders. */
  tamper(statement: string, parameters: unknown[]): Promise<void>;
  teardown(): Promise<void>;
}

/** What every audit store must do; the SQLite and PostgreSQL specs run it with their own factory. */
export function describeAuditStoreContract(name: string, makeSubject: () => Promise<AuditStoreSubject>): void {
  describe(`AuditStore contract: ${name}`, () => {
    let subject: AuditStoreSubject;
    let store: AuditStore;
    beforeEach(async () => {
      subject = await makeSubject();
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.teardown();
    });

    it('stores each CloudEvent once, however often it is delivered', async () => {
      const [a, b, c, d] = eventsOf('t1', 4);
      expect(await store.append([a!, b!, c!])).toEqual({ stored: 3, duplicates: 0 });
      expect(await store.append([b!, c!, d!, d!])).toEqual({ stored: 1, duplicates: 3 });
      expect(await store.count('t1')).toBe(4);
      expect((await store.tail('t1', 10)).map((entry) => entry.eventId)).toEqual([a!.id, b!.id, c!.id, d!.id]);
    });

    it('keeps the CloudEvent and its indexed fields as received', async () => {
      const event = auditEvent({ tenant: 't1', key: 'k9', revision: 4, action: 'edited', actor: 'admin', minute: 7 });
      await store.append([event]);
      const [entry] = await store.tail('t1', 1);
      expect(entry).toMatchObject({ tenantId: 't1', seq: 1, eventId: event.id, keyUid: 'k9', actorUid: 'admin', action: 'edited', occurredAt: event.time, prevHash: GENESIS_HASH });
      expect(entry!.event).toEqual(event);
    });

    it("chains each tenant's entries from seq 1, and verifies them", async () => {
      const t1 = eventsOf('t1', 5);
      const t2 = eventsOf('t2', 3);
      await store.append([t1[0]!, t2[0]!, t1[1]!, t2[1]!]);
      await store.append([...t1.slice(2), t2[2]!]);
      const entries = await store.tail('t1', 10);
      expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
      entries.forEach((entry, i) => expect(entry.prevHash).toBe(i === 0 ? GENESIS_HASH : entries[i - 1]!.hash));
      expect(await store.verifyChain('t1')).toEqual({ ok: true, tenantId: 't1', entries: 5, headHash: entries[4]!.hash });
      expect(await store.verifyChain('t2')).toMatchObject({ ok: true, entries: 3 });
      expect(await store.verifyChain('nobody')).toEqual({ ok: true, tenantId: 'nobody', entries: 0 });
    });

    it('reports a hand-edited entry as the first broken link', async () => {
      const events = eventsOf('t1', 5);
      await store.append(events);
      await subject.tamper('update audit_events set actor_uid = ? where tenant_id = ? and seq = ?', ['someone-else', 't1', 3]);
      expect(await store.verifyChain('t1')).toEqual({
        ok: false,
        tenantId: 't1',
        entries: 2,
        broken: { seq: 3, eventId: events[2]!.id, reason: 'hash-mismatch' },
      });
    });

    it('reports an edited CloudEvent, a deleted entry, and a rewritten entry whose hash was recomputed', async () => {
      const events = eventsOf('t1', 6);
      await store.append(events);
      const entries = await store.tail('t1', 6);
      await subject.tamper("update audit_events set cloud_event = replace(cloud_event, 'revoked', 'created') where seq = ? and tenant_id = ?", [5, 't1']);
      expect(await store.verifyChain('t1')).toMatchObject({ ok: false, broken: { seq: 5, reason: 'hash-mismatch' } });

      const second = entries[1]!;
      const rewritten = { ...second, actorUid: 'forger', cloudEvent: canonicalJson(second.event) };
      await subject.tamper('update audit_events set actor_uid = ?, hash = ? where tenant_id = ? and seq = ?', ['forger', chainHash(second.prevHash, rewritten), 't1', 2]);
      expect(await store.verifyChain('t1')).toMatchObject({ ok: false, entries: 2, broken: { seq: 3, reason: 'prev-hash-mismatch' } });

      await subject.tamper('delete from audit_events where tenant_id = ? and seq = ?', ['t1', 1]);
      expect(await store.verifyChain('t1')).toMatchObject({ ok: false, entries: 0, broken: { seq: 2, reason: 'sequence-gap' } });
    });

    it("answers queries with one tenant's entries only, newest first, filtered", async () => {
      await store.append([
        auditEvent({ tenant: 't1', key: 'k1', actor: 'alice', minute: 1 }),
        auditEvent({ tenant: 't2', key: 'k1', actor: 'alice', minute: 2 }),
        auditEvent({ tenant: 't1', key: 'k2', actor: 'bob', minute: 3 }),
        auditEvent({ tenant: 't1', key: 'k1', revision: 1, action: 'edited', actor: 'bob', minute: 4 }),
        auditEvent({ tenant: 't1', key: 'k1', revision: 2, action: 'revoked', actor: 'alice', minute: 5 }),
      ]);
      const seqs = async (query: Partial<Parameters<AuditStore['query']>[0]>) =>
        (await store.query({ tenantId: 't1', limit: 50, ...query })).entries.map((entry) => entry.seq);
      expect(await seqs({})).toEqual([4, 3, 2, 1]);
      expect((await store.query({ tenantId: 't2', limit: 50 })).entries.map((e) => e.tenantId)).toEqual(['t2']);
      expect(await seqs({ keyUid: 'k1' })).toEqual([4, 3, 1]);
      expect(await seqs({ actorUid: 'bob' })).toEqual([3, 2]);
      expect(await seqs({ action: 'edited' })).toEqual([3]);
      expect(await seqs({ from: '2026-11-22T10:03:00.000Z', to: '2026-11-22T10:05:00.000Z' })).toEqual([3, 2]);
      expect(await seqs({ keyUid: 'k1', actorUid: 'alice' })).toEqual([4, 1]);
    });

    it("answers an owner's query with the events of that owner's keys only, of the actions asked, in one tenant", async () => {
      await store.append([
        auditEvent({ tenant: 't1', key: 'k1', owner: 'alice', actor: 'alice', minute: 1 }),
        auditEvent({ tenant: 't1', key: 'k2', owner: 'bob', actor: 'bob', minute: 2 }),
        auditEvent({ tenant: 't2', key: 'k3', owner: 'alice', actor: 'alice', minute: 3 }),
        auditEvent({ tenant: 't1', key: 'k1', owner: 'alice', revision: 1, action: 'revoked', actor: 'admin', minute: 4 }),
        auditEvent({ tenant: 't1', key: 'tenant/t1', owner: '', action: 'policy-set', actor: 'admin', minute: 5 }),
        auditEvent({ tenant: 't1', key: 'k1', owner: 'alice', revision: 2, action: 'expired', actor: 'system', minute: 6 }),
      ]);
      const seqs = async (query: Partial<Parameters<AuditStore['query']>[0]>) =>
        (await store.query({ tenantId: 't1', limit: 50, ...query })).entries.map((entry) => entry.seq);
      expect(await seqs({ ownerUid: 'alice' })).toEqual([5, 3, 1]);
      expect(await seqs({ ownerUid: 'bob' })).toEqual([2]);
      expect(await seqs({ ownerUid: '' })).toEqual([4]);
      expect(await seqs({ ownerUid: 'alice', actions: ['created', 'expired'] })).toEqual([5, 1]);
      expect(await seqs({ ownerUid: 'alice', actions: [] })).toEqual([]);
      expect(await seqs({ ownerUid: 'alice', actorUid: 'admin' })).toEqual([3]);
      expect(await seqs({ ownerUid: 'alice', limit: 2 })).toEqual([5, 3]);
      expect((await store.query({ tenantId: 't1', ownerUid: 'alice', limit: 2 })).nextBeforeSeq).toBe(3);
      expect(await seqs({ ownerUid: 'alice', beforeSeq: 3 })).toEqual([1]);
      expect((await store.query({ tenantId: 't2', ownerUid: 'alice', limit: 50 })).entries.map((e) => e.keyUid)).toEqual(['k3']);
    });

    it('pages through everything exactly once with the keyset cursor', async () => {
      await store.append(eventsOf('t1', 23));
      const seen: number[] = [];
      let beforeSeq: number | undefined;
      do {
        const page = await store.query({ tenantId: 't1', limit: 5, beforeSeq });
        seen.push(...page.entries.map((entry) => entry.seq));
        beforeSeq = page.nextBeforeSeq;
      } while (beforeSeq !== undefined);
      expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    });

    it('tails the newest entries, oldest of them first', async () => {
      await store.append(eventsOf('t1', 8));
      expect((await store.tail('t1', 3)).map((entry) => entry.seq)).toEqual([6, 7, 8]);
    });

    it('lets two consumers append overlapping batches at once without duplicates or a broken chain', async () => {
      const sibling = await subject.openSibling();
      try {
        const events = [...eventsOf('t1', 60), ...eventsOf('t2', 40)];
        const batches = (offset: number) => Array.from({ length: 10 }, (_, i) => events.slice(i * 10 + offset, i * 10 + offset + 15));
        await Promise.all([
          (async () => { for (const batch of batches(0)) await store.append(batch); })(),
          (async () => { for (const batch of batches(5)) await sibling.append(batch); })(),
        ]);
        expect(await store.count('t1')).toBe(60);
        expect(await store.count('t2')).toBe(40);
        expect(await store.verifyChain('t1')).toMatchObject({ ok: true, entries: 60 });
        expect(await store.verifyChain('t2')).toMatchObject({ ok: true, entries: 40 });
      } finally {
        await sibling.close();
      }
    });
  });
}
