import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { KEY_POLICY, type KeyPolicy } from '@keystream/config';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { EditKeyCommand } from './edit-key.command.js';

@CommandHandler(EditKeyCommand)
export class EditKeyHandler implements ICommandHandler<EditKeyCommand> {
  constructor(
    private readonly runner: ApiKeyCommandRunner,
    @Inject(KEY_POLICY) private readonly limits: KeyPolicy,
  ) {}

  execute({ caller, keyId, fields, expectedRevision, correlationId }: EditKeyCommand) {
    return this.runner.run(
      keyId,
      (now) => ({
        type: 'EditKey',
        caller,
        keyId,
        ...fields,
        limits: this.limits,
        now,
      }),
      { expectedRevision, correlationId },
    );
  }
}
