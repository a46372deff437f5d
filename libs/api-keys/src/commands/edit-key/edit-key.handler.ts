import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@keystream/config';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { EditKeyCommand } from './edit-key.command.js';

@CommandHandler(EditKeyCommand)
export class EditKeyHandler implements ICommandHandler<EditKeyCommand> {
  constructor(
    private readonly runner: ApiKeyCommandRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ caller, keyId, fields, expectedRevision, correlationId }: EditKeyCommand) {
    return this.runner.run(
      keyId,
      (now) => ({
        type: 'EditKey',
        caller,
        keyId,
        ...fields,
        limits: { maxKeysPerUser: this.config.MAX_KEYS_PER_USER, maxLifetimeDays: this.config.MAX_KEY_LIFETIME_DAYS },
        now,
      }),
      { expectedRevision, correlationId },
    );
  }
}
