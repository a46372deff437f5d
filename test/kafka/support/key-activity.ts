import { randomUUID } from 'node:crypto';
import {
  type ApiKeyCommand,
  type ApiKeyEvent,
  type Caller,
  apiKeyStreamName,
  decide,
  decodeApiKeyEvent,
  evolve,
  initialState,
  toEventToAppend,
} from '@keystream/api-keys';
import type { EventStore } from '@keystream/event-store';
import { ScryptSecretHasher, newApiKeyValue, newKeyId } from '@keystream/secrets';

const LIMITS = { maxKeysPerUser: 1000, maxLifetimeDays: 365 };
// Cheap parameters: these tests are about what leaves the store, not about hashing strength.
const hasher = new ScryptSecretHasher({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });

export interface IssuedKey {
  keyId: string;
  value: string;
  secretHash: string;
}

export const user = (tenantId: string, userId: string, via: 'jwt' | 'apiKey' = 'jwt', keyId?: string): Caller => ({
  kind: 'user',
  tenantId,
  userId,
  isTenantAdmin: false,
  via,
  ...(keyId ? { keyId } : {}),
});
export const admin = (tenantId: string, userId: string): Caller => ({ kind: 'user', tenantId, userId, isTenantAdmin: true, via: 'jwt' });
export const system = (tenantId: string): Caller => ({ kind: 'system', tenantId });

/**
 * Issues key commands the way the command handlers do (read, fold, the real `decide`, append with
 * the expected revision, metadata in the handlers' shape), straight against an event store: the
 * audit path is tested from real events without the HTTP layer.
 */
export class KeyActivity {
  private clock = Date.UTC(2026, 10, 22, 10, 0, 0);

  constructor(private readonly store: EventStore) {}

  async create(caller: Caller, ownerId: string, name = 'ci'): Promise<IssuedKey> {
    const keyId = newKeyId();
    const value = newApiKeyValue(keyId);
    const secretHash = await hasher.hash(value);
    await this.run(keyId, caller, (now) => ({
      type: 'CreateKey', caller, keyId, ownerId, ownerFirstName: 'Ada', ownerLastName: 'Lovelace', name, description: '', annotations: {}, labels: {},
      expiresAt: new Date(now.getTime() + 30 * 86_400_000), secretHash, ownerKeyCount: 0, limits: LIMITS, now,
    }));
    return { keyId, value, secretHash };
  }

  edit(keyId: string, caller: Caller, changes: { name?: string; description?: string; expiresInDays?: number }): Promise<ApiKeyEvent[]> {
    return this.run(keyId, caller, (now) => ({
      type: 'EditKey', caller, keyId, name: changes.name, description: changes.description, limits: LIMITS, now,
      expiresAt: changes.expiresInDays === undefined ? undefined : new Date(now.getTime() + changes.expiresInDays * 86_400_000),
    }));
  }

  revoke(keyId: string, caller: Caller) {
    return this.run(keyId, caller, (now) => ({ type: 'RevokeKey', caller, keyId, now }));
  }

  reactivate(keyId: string, caller: Caller) {
    return this.run(keyId, caller, (now) => ({ type: 'ReactivateKey', caller, keyId, now }));
  }

  delete(keyId: string, caller: Caller) {
    return this.run(keyId, caller, (now) => ({ type: 'DeleteKey', caller, keyId, now }));
  }

  /** The expiry-notice processor's command, `daysLater` days after this activity's clock. */
  noteExpiry(keyId: string, tenantId: string, daysLater = 0) {
    const caller = { kind: 'system', tenantId } as const;
    return this.run(keyId, caller, (now) => ({ type: 'NoteExpiry', caller, keyId, now: new Date(now.getTime() + daysLater * 86_400_000) }));
  }

  /** What a leaked-key report does once the value verified. */
  reportLeaked(keyId: string, tenantId: string) {
    const caller = { kind: 'system', tenantId } as const;
    return this.run(keyId, caller, (now) => ({ type: 'ReportLeakedKey', caller, keyId, now }));
  }

  /** A new value for the key (the old one kept for `graceSeconds`): its value and hash, as the handler makes them. */
  async rotate(keyId: string, caller: Caller, graceSeconds: number): Promise<IssuedKey> {
    const value = newApiKeyValue(keyId);
    const secretHash = await hasher.hash(value);
    await this.run(keyId, caller, (now) => ({ type: 'RotateKey', caller, keyId, graceSeconds, secretHash, now }));
    return { keyId, value, secretHash };
  }

  /** Flips the key between revoked and active: one event per call, for long streams. */
  async toggle(keyId: string, caller: Caller): Promise<ApiKeyEvent[]> {
    const state = (await this.store.readStream(apiKeyStreamName(keyId))).flatMap((e) => decodeApiKeyEvent(e) ?? []).reduce(evolve, initialState());
    return state.status === 'revoked' ? this.reactivate(keyId, caller) : this.revoke(keyId, caller);
  }

  private async run(keyId: string, caller: Caller, command: (now: Date) => ApiKeyCommand): Promise<ApiKeyEvent[]> {
    const stream = apiKeyStreamName(keyId);
    const history = await this.store.readStream(stream);
    const state = history.flatMap((event) => decodeApiKeyEvent(event) ?? []).reduce(evolve, initialState());
    const now = new Date((this.clock += 1000));
    const events = decide(command(now), state);
    if (events.length === 0) return events;
    const envelopes = events.map((event) => toEventToAppend(event, { eventId: randomUUID(), caller, now, correlationId: randomUUID() }));
    await this.store.appendToStream(stream, envelopes, history.length === 0 ? 'no_stream' : BigInt(history.length - 1));
    return events;
  }
}
