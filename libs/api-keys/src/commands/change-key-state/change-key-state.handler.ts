import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { ChangeKeyStateCommand } from './change-key-state.command.js';

@CommandHandler(ChangeKeyStateCommand)
export class ChangeKeyStateHandler implements ICommandHandler<ChangeKeyStateCommand> {
  constructor(private readonly runner: ApiKeyCommandRunner) {}

  execute({ caller, keyId, isActive, expectedRevision, correlationId }: ChangeKeyStateCommand) {
    return this.runner.run(
      keyId,
      (now) => ({ type: isActive ? 'ReactivateKey' : 'RevokeKey', caller, keyId, now }),
      { expectedRevision, correlationId },
    );
  }
}
