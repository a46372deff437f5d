import 'reflect-metadata';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command } from 'commander';
import { auditCommand } from '@keystream/audit';
import { relayCommand } from '@keystream/audit-bus';
import { LeakedKeyReports, TenantKeyPolicies, policyCommand } from '@keystream/api-keys';
import { ConfigError, loadConfig } from '@keystream/config';
import { EVENT_STORE } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { auditStoreLocation, openAuditStore, openEventStore, openReadModel } from '@keystream/runtime';
import { auditWatchCommand } from './commands/audit-watch.command.js';
import { bootstrapKeyCommand } from './commands/bootstrap-key.command.js';
import { caughtUp, expiryNoticesCommand } from './commands/expiry-notices.command.js';
import { keysCommand } from './commands/keys.command.js';
import { projectionsCommand } from './commands/projections.command.js';
import { withCliContext } from './cli-context.js';
import { tokenCommand } from './commands/token.command.js';
import { scimTokenCommand } from './commands/scim-token.command.js';
import { usersCommand, withCliRevoker } from './commands/users.command.js';
import { directoryCommand, withCliDirectory } from './commands/directory.command.js';

const program = new Command('keystream')
  .description('Keystream operator commands (configuration from the same environment variables as the service)')
  .addCommand(bootstrapKeyCommand())
  .addCommand(tokenCommand())
  .addCommand(scimTokenCommand())
  .addCommand(usersCommand({ withRevoker: withCliRevoker }))
  .addCommand(directoryCommand({ withDirectory: withCliDirectory }))
  .addCommand(projectionsCommand())
  .addCommand(policyCommand({ withPolicies: (work) => withCliContext((context) => work(context.get(TenantKeyPolicies))) }))
  // Keys: the views answer a listing only once they show every key event in the log.
  .addCommand(
    keysCommand({
      withBuses: (work) =>
        withCliContext(async (context) => {
          await caughtUp(context.get(EVENT_STORE), context.get(CaughtUpWaiter));
          return work({ commandBus: context.get(CommandBus), queryBus: context.get(QueryBus) });
        }),
      withLeakReports: (work) =>
        withCliContext(async (context) => {
          await caughtUp(context.get(EVENT_STORE), context.get(CaughtUpWaiter));
          return work(context.get(LeakedKeyReports));
        }),
    }),
  )
  .addCommand(expiryNoticesCommand())
  .addCommand(relayCommand({ openEventStore: () => openEventStore(loadConfig()), openReadModel: () => openReadModel(loadConfig()) }))
  .addCommand(
    auditCommand({
      openAuditStore: () => openAuditStore(auditStoreLocation(loadConfig())),
    }).addCommand(auditWatchCommand()),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
