import { Command } from 'commander';
import { DIRECTORY_USER_STREAM_PREFIX, type DirectoryUserQueries, ScimTokens, directoryUserQueries, standingFrom } from '@keystream/directory';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { withCliContext } from '../cli-context.js';
import { caughtUp } from './expiry-notices.command.js';

export interface DirectoryCommandDeps {
  /** Runs `work` with the directory view's queries, caught up with the directory's events, and whether SCIM is on for `tenantId`. */
  withDirectory: <T>(tenantId: string, work: (users: DirectoryUserQueries, scimOn: boolean) => Promise<T>) => Promise<T>;
  print?: (line: string) => void;
}

/**
 * `directory show <userUid> --tenant <t>`: what the tenant's SCIM directory says of a user now, as
 * the role check reads it (the same rows and the same rule as DirectoryStanding): active or not, and
 * tenant admin or not. Read-only.
 */
export const directoryCommand = ({ withDirectory, print = (line) => process.stdout.write(`${line}\n`) }: DirectoryCommandDeps) => {
  const directory = new Command('directory').description("A tenant's user directory, as the identity provider feeds it over SCIM");
  directory
    .command('show')
    .description("A user's standing in the directory: active, tenant admin (what the role check applies when SCIM is on)")
    .argument('<userUid>', "the user's uid (the SCIM userName)")
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--json', 'print JSON')
    .action(async (userUid: string, options: { tenant: string; json?: boolean }) => {
      const { rows, scimOn } = await withDirectory(options.tenant, async (users, on) => ({ rows: await users.findByUserName(options.tenant, userUid), scimOn: on }));
      const standing = standingFrom(rows);
      const live = rows.find((row) => !row.deleted);
      if (options.json) {
        const state = standing.kind === 'active' ? { active: true, tenantAdmin: standing.isTenantAdmin } : { active: false, tenantAdmin: false };
        print(JSON.stringify({ tenantUid: options.tenant, userUid, scim: scimOn, standing: standing.kind, ...state, ...(live ? { id: live.userId, ...(live.externalId ? { externalId: live.externalId } : {}) } : {}) }));
        return;
      }
      const what = !scimOn
        ? 'SCIM is off for this tenant: the directory is not consulted, roles come from the credentials'
        : standing.kind === 'active'
          ? `active, ${standing.isTenantAdmin ? 'tenant admin' : 'not a tenant admin'}`
          : standing.kind === 'inactive'
            ? live
              ? 'deactivated: credentials refused, keys revoked'
              : 'deleted or renamed away: credentials refused, keys revoked'
            : 'not in the directory: credentials work, without admin power';
      const ids = live ? ` (SCIM id ${live.userId}${live.externalId ? `, externalId ${live.externalId}` : ''})` : '';
      print(`tenant ${options.tenant}: user ${userUid}${ids}: ${what}`);
    });
  return directory;
};

/** The CLI's directory: the view's queries once it shows every directory event in the log; SCIM on per SCIM_TOKEN_SHA256. */
export const withCliDirectory = <T>(tenantId: string, work: (users: DirectoryUserQueries, scimOn: boolean) => Promise<T>): Promise<T> =>
  withCliContext(async (context, config) => {
    await caughtUp(context.get<EventStore>(EVENT_STORE), context.get(CaughtUpWaiter), 30_000, { streamNamePrefixes: [DIRECTORY_USER_STREAM_PREFIX] });
    return work(directoryUserQueries(context.get<ReadModel>(READ_MODEL).live), ScimTokens.parse(config.SCIM_TOKEN_SHA256).isOn(tenantId));
  });
