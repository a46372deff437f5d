import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { Command } from 'commander';
import { CreateKeyCommand, expiryFromPreset } from '@keystream/api-keys';
import { withCliContext } from '../cli-context.js';

export const bootstrapKeyCommand = () =>
  new Command('bootstrap-key')
    .description('Create a tenant-admin API key for a user, recorded as done by the system; prints the value once')
    .requiredOption('--tenant <uid>', 'tenant uid')
    .requiredOption('--user <uid>', 'user uid who will own the key')
    .option('--name <name>', 'key name', 'bootstrap')
    .option('--days <days>', 'days until it expires', (value) => Number.parseInt(value, 10), 30)
    .action(async (options: { tenant: string; user: string; name: string; days: number }) => {
      const result = await withCliContext(async (context) =>
        context.get(CommandBus).execute(
          new CreateKeyCommand(
            { kind: 'system', tenantId: options.tenant },
            {
              name: options.name,
              description: 'Created by keystream bootstrap-key',
              annotations: {},
              labels: {},
              expiresAt: expiryFromPreset(new Date(), options.days),
              ownerId: options.user,
            },
            `cli-${randomUUID()}`,
          ),
        ),
      );
      process.stderr.write(`Created key ${result.uid} for ${options.user} in tenant ${options.tenant}. Store the value now: it is never shown again.\n`);
      process.stdout.write(`${result.apiKey}\n`);
    });
