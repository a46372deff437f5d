import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { DeleteKeyCommand } from './delete-key.command.js';

@CommandHandler(DeleteKeyCommand)
export class DeleteKeyHandler implements ICommandHandler<DeleteKeyCommand> {
  constructor(private readonly runner: ApiKeyCommandRunner) {}

  execute({ caller, keyId, expectedRevision, correlationId }: DeleteKeyCommand) {
    return this.runner.run(keyId, (now) => ({ type: 'DeleteKey', caller, keyId, now }), { expectedRevision, correlationId });
  }
}
