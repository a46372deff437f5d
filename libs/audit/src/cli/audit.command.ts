import { Command, InvalidArgumentError } from 'commander';
import type { AuditStore } from '../audit-store.port.js';
import { formatEntry, formatVerification } from './audit-entry.format.js';

export interface AuditCliDependencies {
  /** Opens the audit store the consumer writes (same env as the consumer: DATABASE_URL or the SQLite file). */
  openAuditStore: () => Promise<AuditStore>;
  print?: (line: string) => void;
}

/**
 * `audit verify --tenant T` and `audit tail --tenant T [-n 20]`, to mount on the CLI program.
 * `verify` sets the exit code to 1 when the chain is broken, so scripts and cron jobs can alert.
 */
export function auditCommand({ openAuditStore, print = console.log }: AuditCliDependencies): Command {
  const audit = new Command('audit').description("Check and read a tenant's audit trail");
  const withStore = async <T>(work: (store: AuditStore) => Promise<T>): Promise<T> => {
    const store = await openAuditStore();
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };

  audit
    .command('verify')
    .description("Recompute the tenant's hash chain and report the first broken link")
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('--json', 'print the result as JSON')
    .action(async ({ tenant, json }: { tenant: string; json?: boolean }) => {
      const result = await withStore((store) => store.verifyChain(tenant));
      print(json ? JSON.stringify(result) : formatVerification(result));
      if (!result.ok) process.exitCode = 1;
    });

  audit
    .command('tail')
    .description("Print the tenant's newest audit entries, oldest of them first")
    .requiredOption('--tenant <uid>', 'tenant uid')
    .option('-n, --limit <count>', 'how many entries (1..1000)', parseLimit, 20)
    .option('--json', 'print one CloudEvent per line, as stored')
    .action(async ({ tenant, limit, json }: { tenant: string; limit: number; json?: boolean }) => {
      const entries = await withStore((store) => store.tail(tenant, limit));
      if (entries.length === 0 && !json) print(`tenant ${tenant}: no audit entries`);
      for (const entry of entries) print(json ? JSON.stringify({ seq: entry.seq, hash: entry.hash, event: entry.event }) : formatEntry(entry));
    });

  return audit;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return limit;
}
