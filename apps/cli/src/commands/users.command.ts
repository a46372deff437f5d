import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { type RevokeUserKeysResult, UserKeysRevoker } from '@keystream/api-keys';
import { withCliContext } from '../cli-context.js';

/** Same rule as POST /v1/users/{userUid}/apiKeys/revoke. */
const USER_UID = /^[^\u0000-\u001f\u007f]{1,256}$/;

export interface UsersCommandDeps {
  /** Runs `work` with the service's UserKeysRevoker (in apps/cli: inside the CLI's Nest context). */
  withRevoker: <T>(work: (revoker: UserKeysRevoker) => Promise<T>) => Promise<T>;
  print?: (line: string) => void;
}

/**
 * `users revoke-keys <userUid> --tenant <t> [--dry-run]`: offboarding by hand, through the same
 * UserKeysRevoker as POST /v1/users/{userUid}/apiKeys/revoke: one KeyRevoked per active key, reason
 * `owner-keys-revoked`, recorded as done by the system; a repeat revokes nothing twice.
 */
export const usersCommand = ({ withRevoker, print = (line) => process.stdout.write(`${line}\n`) }: UsersCommandDeps) => {
  const users = new Command('users').description("A tenant's users: revoke every key of one");
  users
    .command('revoke-keys')
    .description('Revoke every active key of a user of a tenant (reason owner-keys-revoked); --dry-run only counts them')
    .argument('<userUid>', "the user's uid (the owner of the keys, the JWT sub)")
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--dry-run', 'count the active keys and change nothing')
    .option('--json', 'print JSON')
    .action(async (userUid: string, options: { tenant: string; dryRun?: boolean; json?: boolean }) => {
      if (!USER_UID.test(userUid)) {
        print('refused: userUid must be 1 to 256 characters without control characters');
        process.exitCode = 1;
        return;
      }
      const dryRun = options.dryRun === true;
      const caller = { kind: 'system', tenantId: options.tenant } as const;
      const result: RevokeUserKeysResult = await withRevoker((revoker) => revoker.revokeAll(caller, userUid, { dryRun, reason: 'owner-keys-revoked', correlationId: randomUUID() }));
      if (options.json) print(JSON.stringify({ tenantUid: options.tenant, userUid, ...result, dryRun }));
      else if (dryRun) print(`tenant ${options.tenant}: user ${userUid} holds ${result.count} active key(s); dry run, nothing revoked`);
      else print(`tenant ${options.tenant}: user ${userUid}: revoked ${result.revoked} of ${result.count} active key(s)`);
    });
  return users;
};

/** The CLI's revoker: the service's, in the CLI's Nest context (its key views run there too). */
export const withCliRevoker = <T>(work: (revoker: UserKeysRevoker) => Promise<T>): Promise<T> => withCliContext((context) => work(context.get(UserKeysRevoker)));
