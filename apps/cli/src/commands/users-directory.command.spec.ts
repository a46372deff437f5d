import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeApiKeyEvent } from '@keystream/api-keys';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { DirectoryActivity } from '../../../../test/kafka/support/directory-activity.js';
import { KeyActivity, admin } from '../../../../test/kafka/support/key-activity.js';
import { withCliContext } from '../cli-context.js';
import { directoryCommand, withCliDirectory } from './directory.command.js';
import { usersCommand, withCliRevoker } from './users.command.js';

/**
 * The two commands end to end, as `keystream users ...` and `keystream directory ...` run them: the
 * CLI's Nest context over SQLite files in a fresh DATA_DIR, the service's UserKeysRevoker, the
 * directory view. Keys and directory users are recorded first through the real deciders.
 */
describe('cli users revoke-keys and directory show', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keystream-cli-'));
  const saved = { DATA_DIR: process.env.DATA_DIR, SCIM_TOKEN_SHA256: process.env.SCIM_TOKEN_SHA256, AUDIT_SINK: process.env.AUDIT_SINK };
  const bobId = randomUUID();
  const carolId = randomUUID();
  let lines: string[] = [];
  const print = (line: string) => lines.push(line);
  const run = async (command: 'users' | 'directory', ...args: string[]) => {
    lines = [];
    process.exitCode = undefined;
    const program = command === 'users' ? usersCommand({ withRevoker: withCliRevoker, print }) : directoryCommand({ withDirectory: withCliDirectory, print });
    await program.parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return exitCode;
  };
  const storeEvents = () => withCliContext((context) => context.get<EventStore>(EVENT_STORE).readAll({ maxCount: 1_000, filter: { streamNamePrefixes: ['apikey-'] } }).then((page) => page.events));

  beforeAll(async () => {
    process.env.DATA_DIR = dir;
    process.env.AUDIT_SINK = 'none';
    process.env.SCIM_TOKEN_SHA256 = `cli-acme:${createHash('sha256').update('kscim_cli-token').digest('hex')}`;
    await withCliContext(async (context) => {
      const store = context.get<EventStore>(EVENT_STORE);
      const keys = new KeyActivity(store);
      await keys.create(admin('cli-acme', 'ada'), 'bob', 'one');
      await keys.create(admin('cli-acme', 'ada'), 'bob', 'two');
      await keys.create(admin('cli-acme', 'ada'), 'carol', 'three');
      await keys.create(admin('cli-other', 'oz'), 'bob', 'elsewhere');
      const directory = new DirectoryActivity(store, 'cli-acme');
      await directory.provision(bobId, { userName: 'bob', externalId: 'okta-bob', active: true, profile: {} });
      await directory.setAdmin(bobId, true);
      await directory.provision(carolId, { userName: 'carol', active: true, profile: {} });
      await directory.setActive(carolId, false);
    });
  }, 60_000);

  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('users revoke-keys --dry-run counts the active keys and changes nothing', async () => {
    expect(await run('users', 'revoke-keys', 'bob', '--tenant', 'cli-acme', '--dry-run')).toBeUndefined();
    expect(lines).toEqual(['tenant cli-acme: user bob holds 2 active key(s); dry run, nothing revoked']);
    expect((await storeEvents()).filter((event) => event.type === 'KeyRevoked')).toEqual([]);
  }, 60_000);

  it("users revoke-keys revokes each of the user's active keys once, in that tenant only, as the system with reason owner-keys-revoked", async () => {
    await run('users', 'revoke-keys', 'bob', '--tenant', 'cli-acme');
    expect(lines).toEqual(['tenant cli-acme: user bob: revoked 2 of 2 active key(s)']);
    await run('users', 'revoke-keys', 'bob', '--tenant', 'cli-acme', '--json');
    expect(JSON.parse(lines[0]!)).toEqual({ tenantUid: 'cli-acme', userUid: 'bob', count: 0, revoked: 0, dryRun: false });
    const revoked = (await storeEvents()).filter((event) => event.type === 'KeyRevoked');
    expect(revoked).toHaveLength(2);
    for (const event of revoked) {
      expect(decodeApiKeyEvent(event)).toMatchObject({ data: { tenantId: 'cli-acme', ownerId: 'bob', reason: 'owner-keys-revoked' } });
      expect(event.metadata).toMatchObject({ actor: { userId: 'system', via: 'system' } });
    }
    // carol's key and bob's key in another tenant are untouched.
    await run('users', 'revoke-keys', 'carol', '--tenant', 'cli-acme', '--dry-run');
    expect(lines).toEqual(['tenant cli-acme: user carol holds 1 active key(s); dry run, nothing revoked']);
    await run('users', 'revoke-keys', 'bob', '--tenant', 'cli-other', '--dry-run');
    expect(lines).toEqual(['tenant cli-other: user bob holds 1 active key(s); dry run, nothing revoked']);
  }, 60_000);

  it('users revoke-keys refuses a user uid with control characters, exit code 1', async () => {
    expect(await run('users', 'revoke-keys', 'bo\u0001b', '--tenant', 'cli-acme')).toBe(1);
    expect(lines).toEqual(['refused: userUid must be 1 to 256 characters without control characters']);
  });

  it("directory show prints a user's standing as the role check reads it", async () => {
    await run('directory', 'show', 'BOB', '--tenant', 'cli-acme');
    expect(lines).toEqual([`tenant cli-acme: user BOB (SCIM id ${bobId}, externalId okta-bob): active, tenant admin`]);
    await run('directory', 'show', 'carol', '--tenant', 'cli-acme', '--json');
    expect(JSON.parse(lines[0]!)).toEqual({ tenantUid: 'cli-acme', userUid: 'carol', scim: true, standing: 'inactive', active: false, tenantAdmin: false, id: carolId });
    await run('directory', 'show', 'dave', '--tenant', 'cli-acme');
    expect(lines).toEqual(['tenant cli-acme: user dave: not in the directory: credentials work, without admin power']);
    await run('directory', 'show', 'bob', '--tenant', 'cli-other', '--json');
    expect(JSON.parse(lines[0]!)).toMatchObject({ scim: false, standing: 'unknown' });
    await run('directory', 'show', 'bob', '--tenant', 'cli-other');
    expect(lines).toEqual(['tenant cli-other: user bob: SCIM is off for this tenant: the directory is not consulted, roles come from the credentials']);
  }, 60_000);
});
