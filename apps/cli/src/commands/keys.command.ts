import { randomUUID } from 'node:crypto';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, InvalidArgumentError } from 'commander';
import { text } from 'node:stream/consumers';
import {
  ApiKeyError,
  type ApiKeyList,
  type LeakedKeyReports,
  ListKeysQuery,
  MAX_LEAKED_VALUE_LENGTH,
  MAX_LEAKED_VALUES,
  MAX_ROTATION_GRACE_SECONDS,
  PreconditionFailedError,
  RotateKeyCommand,
} from '@keystream/api-keys';

export interface KeysCommandDeps {
  /** Runs `work` with the service's command and query buses (the CLI opens its context around it). */
  withBuses<T>(work: (buses: { commandBus: CommandBus; queryBus: QueryBus }) => Promise<T>): Promise<T>;
  /** Where listings and outcomes go (stdout). */
  print?: (line: string) => void;
  /** Where a new key value goes: stdout only, once, never a log. */
  printSecret?: (value: string) => void;
  /** Notes for the operator (stderr), so stdout holds only the value. */
  note?: (line: string) => void;
  /** Runs `work` with the service's leaked-key checker (the one POST /v1/apiKeys/leaked feeds). */
  withLeakReports?: <T>(work: (reports: Pick<LeakedKeyReports, 'accept' | 'idle' | 'counts'>) => Promise<T>) => Promise<T>;
  /** The reported values: standard input by default, never arguments (they would stay in shell history). */
  readValues?: () => Promise<string>;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `0`, or a whole number with a unit: `90s`, `30m`, `12h`, `7d`; in seconds, 0 to 7 days. */
export const parseGrace = (value: string): number => {
  const match = /^(\d{1,7})([smhd])?$/.exec(value.trim());
  if (!match || (match[2] === undefined && match[1] !== '0')) throw new InvalidArgumentError('must be 0 or a whole number with a unit: 90s, 30m, 12h, 7d');
  const seconds = Number(match[1]) * UNITS[match[2] ?? 's']!;
  if (seconds > MAX_ROTATION_GRACE_SECONDS) throw new InvalidArgumentError('must be at most 7d');
  return seconds;
};

/** As GET /v1/apiKeys?unusedForDays takes it: 1 to 3650. */
export const parseDays = (value: string): number => {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 3650) throw new InvalidArgumentError('must be a whole number of days from 1 to 3650');
  return Number(value);
};

const LIST_PAGE = 500;

/**
 * `keys rotate|list`: an operator acting as a tenant's admin (recorded as done by the system),
 * through the same command and query buses as POST /v1/apiKeys/{uid}/rotate and GET /v1/apiKeys,
 * so the same rules, events and audit trail apply.
 */
export const keysCommand = ({
  withBuses,
  print = (line) => process.stdout.write(`${line}\n`),
  printSecret = (value) => process.stdout.write(`${value}\n`),
  note = (line) => process.stderr.write(`${line}\n`),
  withLeakReports,
  readValues = () => text(process.stdin),
}: KeysCommandDeps) => {
  const keys = new Command('keys').description("A tenant's API keys, as its admin: rotate one, list them with when each was last used");

  /** Domain refusals are the operator's answer (exit code 1), not a crash. */
  const refused = (prefix: string, error: unknown): void => {
    if (error instanceof PreconditionFailedError || error instanceof ApiKeyError) {
      print(`${prefix}: refused: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  };

  keys
    .command('rotate')
    .description('Give a key a new value, printed once on stdout; the current value keeps working for the grace, then is refused')
    .argument('<uid>', 'key uid')
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--grace <duration>', 'how long the current value keeps working: 0 (default) or e.g. 30m, 12h, 7d (at most 7d, never past the key’s expiry)', parseGrace, 0)
    .action(async (uid: string, options: { tenant: string; grace: number }) => {
      try {
        const result = await withBuses(({ commandBus }) =>
          commandBus.execute(new RotateKeyCommand({ kind: 'system', tenantId: options.tenant }, uid, options.grace, undefined, `cli-${randomUUID()}`)),
        );
        note(`Rotated key ${result.uid} in tenant ${options.tenant}; the previous value works until ${result.previousValidUntil}. Store the new value now: it is never shown again.`);
        printSecret(result.apiKey);
      } catch (error) {
        refused(`key ${uid}`, error);
      }
    });

  keys
    .command('list')
    .description("List a tenant's keys, newest first, with when and from where each was last used")
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--user <uid>', "only this user's keys")
    .option('--unused-for-days <days>', 'only keys not used for this many days (never used counts as unused; 1 to 3650)', parseDays)
    .option('--json', 'print one JSON object per key (the API’s shape, with status.lastUsedAt)')
    .action(async (options: { tenant: string; user?: string; unusedForDays?: number; json?: boolean }) => {
      const items = await withBuses(async ({ queryBus }) => {
        const all: ApiKeyList['items'] = [];
        let cursor: string | undefined;
        do {
          const page = await queryBus.execute(
            new ListKeysQuery({ kind: 'system', tenantId: options.tenant }, { limit: LIST_PAGE, cursor, userUid: options.user, unusedForDays: options.unusedForDays }),
          );
          all.push(...page.items);
          cursor = page.listmeta.continue || undefined;
        } while (cursor);
        return all;
      });
      for (const key of items) {
        if (options.json) {
          print(JSON.stringify(key));
          continue;
        }
        const state = !key.status.isActive ? 'revoked' : key.status.expired ? 'expired' : 'active';
        const lastUsed = key.status.lastUsedAt ? `${key.status.lastUsedAt} from ${(key.status.lastUsedFrom ?? []).join(',') || '?'}` : 'never used';
        print(`${key.metadata.uid}\t${key.spec.user.uid}\t${state}\texpires ${key.spec.expiry}\t${lastUsed}\t${key.metadata.name}`);
      }
      if (!options.json) print(`${items.length} key(s)${options.unusedForDays === undefined ? '' : ` unused for ${options.unusedForDays} day(s)`}`);
    });
  keys
    .command('report-leaked')
    .description(
      'Revoke the keys whose values are read from standard input, one per line, with reason leaked (as POST /v1/apiKeys/leaked does): ' +
        'each value is checked by the verifier; values are never stored, logged or printed',
    )
    .action(async () => {
      if (!withLeakReports) throw new Error('report-leaked needs the service');
      const values = (await readValues())
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
      const tooLong = values.findIndex((value) => value.length > MAX_LEAKED_VALUE_LENGTH);
      if (tooLong >= 0) {
        print(`refused: line ${tooLong + 1} is longer than ${MAX_LEAKED_VALUE_LENGTH} characters, so it is no key value; nothing was checked`);
        process.exitCode = 1;
        return;
      }
      const { checked, revoked } = await withLeakReports(async (reports) => {
        const before = { ...reports.counts };
        for (let at = 0; at < values.length; at += MAX_LEAKED_VALUES) {
          reports.accept(values.slice(at, at + MAX_LEAKED_VALUES), `cli-${randomUUID()}`);
          await reports.idle();
        }
        return { checked: reports.counts.checked - before.checked, revoked: reports.counts.revoked - before.revoked };
      });
      // The operator runs the service: unlike the public endpoint, the CLI may say how many keys a report revoked.
      print(`${values.length} value(s) read, ${checked} check(s) made, ${revoked} key(s) revoked as leaked`);
    });
  return keys;
};
