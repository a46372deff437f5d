import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { PreconditionFailedError } from '../../application/application.errors.js';
import { ApiKeyError } from '../../domain/index.js';
import type { TenantKeyPolicies } from '../application/tenant-key-policies.js';

export interface PolicyCommandDeps {
  /** Runs `work` with the service's TenantKeyPolicies (the CLI opens its context around it). */
  withPolicies<T>(work: (policies: TenantKeyPolicies) => Promise<T>): Promise<T>;
  print?: (line: string) => void;
}

const integer = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
};
const lifetime = (value: string): number | 'none' => (value === 'none' ? 'none' : integer(value));
const yesNo = (value: string): boolean => {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new InvalidArgumentError('must be true or false');
};

/**
 * `policy show|set`: the operator's view of a tenant's API key policy, as GET/PUT
 * /v1/tenants/{tenantUid}/apiKeyPolicy give it to the tenant's admins. `set` is recorded as done by
 * the system and changes only the options given (the rest stay as they are in force).
 */
export const policyCommand = ({ withPolicies, print = (line) => process.stdout.write(`${line}\n`) }: PolicyCommandDeps) => {
  const policy = new Command('policy').description("Show or set a tenant's API key policy (maximum lifetime, keys per user, required description)");
  policy
    .command('show')
    .description('Print the policy in force for a tenant (its own, else the service defaults)')
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const view = await withPolicies((policies) => policies.view(options.tenant));
      const { maxKeyLifetimeDays, maxKeysPerUser, requireDescription } = view.policy;
      if (options.json) {
        print(JSON.stringify({ tenantUid: options.tenant, maxKeyLifetimeDays: maxKeyLifetimeDays ?? 'none', maxKeysPerUser, requireDescription, source: view.source, ...(view.setAt ? { setAt: view.setAt } : {}) }));
        return;
      }
      print(
        `tenant ${options.tenant} (${view.source === 'tenant' ? `set ${view.setAt}` : 'service defaults'}): ` +
          `max lifetime ${maxKeyLifetimeDays === null ? 'none' : `${maxKeyLifetimeDays} days`}, ` +
          `${maxKeysPerUser} keys per user, description ${requireDescription ? 'required' : 'optional'}`,
      );
    });
  policy
    .command('set')
    .description('Set a tenant’s policy; options not given keep the value in force')
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--max-lifetime-days <days>', 'furthest expiry, in days (1..3650), or "none"', lifetime)
    .option('--max-keys-per-user <count>', 'keys a user may hold (1..1000)', integer)
    .option('--require-description <bool>', 'true or false', yesNo)
    .action(async (options: { tenant: string; maxLifetimeDays?: number | 'none'; maxKeysPerUser?: number; requireDescription?: boolean }) => {
      try {
        const result = await withPolicies(async (policies) => {
          // The options not given are filled from this read, so the write must land on it: a change
          // made meanwhile (by an admin through the API) is refused, never silently undone.
          const view = await policies.view(options.tenant);
          const current = view.policy;
          return policies.set(
            { kind: 'system', tenantId: options.tenant },
            options.tenant,
            {
              maxKeyLifetimeDays: options.maxLifetimeDays === undefined ? current.maxKeyLifetimeDays : options.maxLifetimeDays === 'none' ? null : options.maxLifetimeDays,
              maxKeysPerUser: options.maxKeysPerUser ?? current.maxKeysPerUser,
              requireDescription: options.requireDescription ?? current.requireDescription,
            },
            { expectedRevision: view.revision, correlationId: `cli-${randomUUID()}` },
          );
        });
        print(result.changed ? `tenant ${options.tenant}: policy set (revision ${result.revision})` : `tenant ${options.tenant}: policy unchanged`);
      } catch (error) {
        if (error instanceof PreconditionFailedError) {
          print(`tenant ${options.tenant}: not set: the policy changed while this command ran; run it again`);
          process.exitCode = 1;
          return;
        }
        if (!(error instanceof ApiKeyError)) throw error;
        print(`tenant ${options.tenant}: refused: ${error.message}`);
        process.exitCode = 1;
      }
    });
  return policy;
};
