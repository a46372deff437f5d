import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '@keystream/event-store';
import { openSqliteReadModel } from '@keystream/read-model';
import { AUDIT_RELAY } from '../audit-relay.js';
import { relayCommand } from './relay.command.js';

describe('relay status', () => {
  it('prints the checkpoint, the head and the audited events (key, tenant, directory) still to publish', async () => {
    const eventStore = new InMemoryEventStore();
    const readModel = await openSqliteReadModel(':memory:');
    const event = (type: string) => ({ id: randomUUID(), type, data: { tenantId: 't', keyId: 'k', ownerId: 'u' }, metadata: {} });
    await eventStore.appendToStream('apikey-k', [event('KeyCreated'), event('KeyRevoked'), event('KeyReactivated')], 'no_stream');
    await eventStore.appendToStream('tenant-t', [event('TenantKeyPolicySet')], 'no_stream');
    await eventStore.appendToStream('scim-user-t-u', [event('DirectoryUserDeactivated')], 'no_stream');
    await readModel.transaction((tx) => tx.compareAndSetCheckpoint(AUDIT_RELAY, undefined, '1/1'));
    const lines: string[] = [];
    // The command closes what it opened; keep these alive to read them after.
    const keepOpen = <T extends { close(): Promise<void> }>(store: T) => async () => Object.assign(Object.create(store), { close: async () => {} }) as T;
    const command = relayCommand({ openEventStore: keepOpen(eventStore), openReadModel: keepOpen(readModel), print: (line) => lines.push(line) });

    await command.parseAsync(['status'], { from: 'user' });
    await command.parseAsync(['status', '--json'], { from: 'user' });

    expect(lines[0]).toBe(['audit relay audit-relay-v1', '  checkpoint  1/1', '  head        5/5', '  behind      4 audited event(s) to publish'].join('\n'));
    expect(JSON.parse(lines[1]!)).toEqual({ name: AUDIT_RELAY, checkpoint: '1/1', head: '5/5', eventsBehind: 4, eventsBehindIsLowerBound: false });
    await readModel.close();
  });
});
