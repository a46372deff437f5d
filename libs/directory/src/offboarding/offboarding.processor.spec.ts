import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@keystream/event-store';
import type { CheckpointStore } from '@keystream/read-model';
import { DIRECTORY_USER_EVENT_SCHEMA_VERSION, type DirectoryUserEvent } from '../domain/index.js';
import { type KeyRevocation, OFFBOARDING_PROCESSOR, offboardingProcessor } from './offboarding.processor.js';

const recorded = (event: DirectoryUserEvent, position: number): RecordedEvent =>
  ({
    id: `e${position}`,
    type: event.type,
    data: event.data,
    metadata: { schemaVersion: DIRECTORY_USER_EVENT_SCHEMA_VERSION },
    streamName: `scim-user-${event.data.tenantId}-${event.data.userId}`,
    revision: 0n,
    position: { commit: BigInt(position), prepare: BigInt(position) },
    recordedAt: new Date(),
  }) as unknown as RecordedEvent;

const ids = (userName: string) => ({ tenantId: 'acme', userId: `id-${userName}`, userName });

/** A checkpoint store in memory with compare-and-set, as the read model's. */
const checkpoints = () => {
  let stored: string | undefined;
  const store = {
    getCheckpoint: async () => stored,
    transaction: async <T>(work: (tx: { compareAndSetCheckpoint(name: string, expected: string | undefined, next: string): Promise<boolean> }) => Promise<T>) =>
      work({
        async compareAndSetCheckpoint(name, expected, next) {
          expect(name).toBe(OFFBOARDING_PROCESSOR);
          if (stored !== expected) return false;
          stored = next;
          return true;
        },
      }),
  };
  return { store: store as unknown as CheckpointStore, current: () => stored };
};

describe('the offboarding processor', () => {
  const batch = [
    recorded({ type: 'DirectoryUserProvisioned', data: { ...ids('stays'), active: true, profile: {}, provisionedAt: 't' } }, 1),
    recorded({ type: 'DirectoryUserDeactivated', data: { ...ids('alice'), deactivatedAt: 't' } }, 2),
    recorded({ type: 'DirectoryUserAdminRevoked', data: { ...ids('carol'), revokedAt: 't' } }, 3),
    recorded({ type: 'DirectoryUserDeleted', data: { ...ids('bob'), deletedAt: 't' } }, 4),
    recorded({ type: 'DirectoryUserProvisioned', data: { ...ids('dora'), active: false, profile: {}, provisionedAt: 't' } }, 5),
  ];

  it('revokes the keys of each user deactivated, deleted or provisioned inactive, as the system, with reason owner-deactivated', async () => {
    const calls: unknown[] = [];
    const revocation: KeyRevocation = { revokeAll: async (caller, userId, options) => (calls.push({ caller, userId, reason: options.reason }), { count: 1, revoked: 1 }) };
    const cp = checkpoints();
    await offboardingProcessor(revocation, cp.store, { info: () => undefined }).consume(batch, { expected: undefined, next: '5' });
    expect(calls).toEqual([
      { caller: { kind: 'system', tenantId: 'acme' }, userId: 'alice', reason: 'owner-deactivated' },
      { caller: { kind: 'system', tenantId: 'acme' }, userId: 'bob', reason: 'owner-deactivated' },
      { caller: { kind: 'system', tenantId: 'acme' }, userId: 'dora', reason: 'owner-deactivated' },
    ]);
    expect(cp.current()).toBe('5');
  });

  it('ends access for the name a rename leaves: revokes the keys owned by the former user name, not for a change of letter case', async () => {
    const calls: unknown[] = [];
    const revocation: KeyRevocation = { revokeAll: async (caller, userId, options) => (calls.push({ caller, userId, reason: options.reason }), { count: 1, revoked: 1 }) };
    const renamed = { tenantId: 'acme', userId: 'id-erin' };
    const cp = checkpoints();
    await offboardingProcessor(revocation, cp.store, { info: () => undefined }).consume(
      [
        recorded({ type: 'DirectoryUserReplaced', data: { ...renamed, userName: 'erin@new.example', previousUserName: 'erin@old.example', profile: {}, replacedAt: 't' } }, 1),
        recorded({ type: 'DirectoryUserReplaced', data: { ...renamed, userName: 'Erin@New.example', previousUserName: 'erin@new.example', profile: {}, replacedAt: 't' } }, 2),
        recorded({ type: 'DirectoryUserReplaced', data: { ...renamed, userName: 'Erin@New.example', profile: { displayName: 'Erin' }, replacedAt: 't' } }, 3),
      ],
      { expected: undefined, next: '3' },
    );
    expect(calls).toEqual([{ caller: { kind: 'system', tenantId: 'acme' }, userId: 'erin@old.example', reason: 'owner-deactivated' }]);
    expect(cp.current()).toBe('3');
  });

  it('is resumable: interrupted mid-batch, the checkpoint stays, and the re-run finishes the batch', async () => {
    const revokedKeys = new Set<string>();
    let failOnBob = true;
    // Each user holds two keys; a revoke of a revoked key changes nothing, as the decider guarantees.
    const revocation: KeyRevocation = {
      async revokeAll(_caller, userId) {
        if (userId === 'bob' && failOnBob) throw new Error('the store went away');
        let revoked = 0;
        for (const key of [`${userId}-1`, `${userId}-2`]) if (!revokedKeys.has(key)) (revokedKeys.add(key), revoked++);
        return { count: 2, revoked };
      },
    };
    const cp = checkpoints();
    const processor = offboardingProcessor(revocation, cp.store, { info: () => undefined });
    await expect(processor.consume(batch, { expected: undefined, next: '5' })).rejects.toThrow('the store went away');
    expect(cp.current()).toBeUndefined();
    expect([...revokedKeys].sort()).toEqual(['alice-1', 'alice-2']);

    failOnBob = false;
    await processor.consume(batch, { expected: await processor.loadCheckpoint(), next: '5' });
    expect([...revokedKeys].sort()).toEqual(['alice-1', 'alice-2', 'bob-1', 'bob-2', 'dora-1', 'dora-2']);
    expect(cp.current()).toBe('5');
  });
});
