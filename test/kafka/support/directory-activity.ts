import { randomUUID } from 'node:crypto';
import {
  type DirectoryUserCommand,
  type DirectoryUserEvent,
  type UserAttributes,
  decide,
  decodeDirectoryUserEvent,
  directoryUserStreamName,
  evolve,
  initialState,
  toDirectoryEventToAppend,
} from '@keystream/directory';
import type { EventStore } from '@keystream/event-store';

/**
 * Issues directory commands the way DirectoryCommandRunner does (read, fold, the real `decide`,
 * append with the expected revision, the SCIM metadata), straight against an event store: what
 * the SCIM endpoints record, without HTTP.
 */
export class DirectoryActivity {
  private clock = Date.UTC(2026, 11, 3, 10, 0, 0);

  constructor(
    private readonly store: EventStore,
    private readonly tenantId: string,
  ) {}

  provision(userId: string, attributes: UserAttributes) {
    return this.run(userId, (now) => ({ type: 'ProvisionUser', tenantId: this.tenantId, userId, attributes, now }));
  }

  replace(userId: string, attributes: UserAttributes) {
    return this.run(userId, (now) => ({ type: 'ReplaceUser', tenantId: this.tenantId, userId, attributes, now }));
  }

  setActive(userId: string, active: boolean) {
    return this.run(userId, (now) => ({ type: 'SetUserActive', tenantId: this.tenantId, userId, active, now }));
  }

  setAdmin(userId: string, isTenantAdmin: boolean) {
    return this.run(userId, (now) => ({ type: 'SetTenantAdmin', tenantId: this.tenantId, userId, isTenantAdmin, now }));
  }

  delete(userId: string) {
    return this.run(userId, (now) => ({ type: 'DeleteUser', tenantId: this.tenantId, userId, now }));
  }

  private async run(userId: string, command: (now: Date) => DirectoryUserCommand): Promise<DirectoryUserEvent[]> {
    const stream = directoryUserStreamName(this.tenantId, userId);
    const history = await this.store.readStream(stream);
    const state = history.flatMap((event) => decodeDirectoryUserEvent(event) ?? []).reduce(evolve, initialState());
    const now = new Date((this.clock += 1000));
    const events = decide(command(now), state);
    if (events.length === 0) return events;
    const envelopes = events.map((event) => toDirectoryEventToAppend(event, { eventId: randomUUID(), now, correlationId: randomUUID() }));
    await this.store.appendToStream(stream, envelopes, history.length === 0 ? 'no_stream' : BigInt(history.length - 1));
    return events;
  }
}
