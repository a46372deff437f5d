import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@keystream/clock';
import { InMemoryEventStore } from '@keystream/event-store';
import { RandomIdGenerator } from '@keystream/secrets';
import { TenantKeyPolicies } from '../application/tenant-key-policies.js';
import { policyCommand } from './policy.command.js';

describe('policy CLI', () => {
  const store = new InMemoryEventStore();
  const policies = new TenantKeyPolicies(store, { maxLifetimeDays: 365, maxKeysPerUser: 20 }, new RandomIdGenerator(), new FixedClock(new Date('2026-12-03T10:00:00.000Z')));
  let lines: string[] = [];
  const run = async (...args: string[]) => {
    lines = [];
    process.exitCode = undefined;
    await policyCommand({ withPolicies: (work) => work(policies), print: (line) => lines.push(line) }).parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return exitCode;
  };
  afterEach(() => policies.onModuleDestroy());

  it('show prints the defaults for a tenant that set none', async () => {
    await run('show', '--tenant', 'cli-t1');
    expect(lines).toEqual(['tenant cli-t1 (service defaults): max lifetime 365 days, 20 keys per user, description optional']);
  });

  it('set changes only the options given, recorded as done by the system; show --json reads it back', async () => {
    expect(await run('set', '--tenant', 'cli-t2', '--max-lifetime-days', '90', '--require-description', 'true')).toBeUndefined();
    expect(lines).toEqual(['tenant cli-t2: policy set (revision 0)']);
    await run('show', '--tenant', 'cli-t2', '--json');
    expect(JSON.parse(lines[0]!)).toEqual({ tenantUid: 'cli-t2', maxKeyLifetimeDays: 90, maxKeysPerUser: 20, requireDescription: true, source: 'tenant', setAt: '2026-12-03T10:00:00.000Z' });
    const [event] = await store.readStream('tenant-cli-t2');
    expect(event!.metadata).toMatchObject({ actor: { userId: 'system', via: 'system' } });
    await run('set', '--tenant', 'cli-t2', '--max-lifetime-days', 'none');
    await run('show', '--tenant', 'cli-t2');
    expect(lines[0]).toMatch(/max lifetime none, 20 keys per user, description required$/);
  });

  it('a value out of bounds is refused with the reason and exit code 1, and nothing is written', async () => {
    expect(await run('set', '--tenant', 'cli-t3', '--max-keys-per-user', '1001')).toBe(1);
    expect(lines).toEqual(['tenant cli-t3: refused: maxKeysPerUser: must be an integer from 1 to 1000']);
    expect(await store.readStream('tenant-cli-t3')).toEqual([]);
  });

  it('set refuses, exit code 1, when the policy changed between its read and its write, so the other change is not undone', async () => {
    const admin = { kind: 'system', tenantId: 'cli-t4' } as const;
    await policies.set(admin, 'cli-t4', { maxKeyLifetimeDays: 90, maxKeysPerUser: 20, requireDescription: false }, { correlationId: 'c1' });
    // An admin's write lands right after the CLI read the policy.
    const racing = Object.assign(Object.create(policies) as TenantKeyPolicies, {
      view: async (tenantId: string) => {
        const view = await policies.view(tenantId);
        await policies.set(admin, tenantId, { maxKeyLifetimeDays: 90, maxKeysPerUser: 5, requireDescription: false }, { correlationId: 'c2' });
        return view;
      },
    });
    lines = [];
    process.exitCode = undefined;
    await policyCommand({ withPolicies: (work) => work(racing), print: (line) => lines.push(line) }).parseAsync(['set', '--tenant', 'cli-t4', '--max-lifetime-days', '30'], { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    expect(exitCode).toBe(1);
    expect(lines).toEqual(['tenant cli-t4: not set: the policy changed while this command ran; run it again']);
    expect((await policies.view('cli-t4')).policy).toEqual({ maxKeyLifetimeDays: 90, maxKeysPerUser: 5, requireDescription: false });
  });
});
