import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { TenantKeyPolicies } from '../../tenant-policy/application/tenant-key-policies.js';
import { EditKeyCommand } from './edit-key.command.js';

@CommandHandler(EditKeyCommand)
export class EditKeyHandler implements ICommandHandler<EditKeyCommand> {
  constructor(
    private readonly runner: ApiKeyCommandRunner,
    private readonly policies: TenantKeyPolicies,
  ) {}

  async execute({ caller, keyId, fields, expectedRevision, correlationId }: EditKeyCommand) {
    const limits = await this.policies.limitsFor(caller.tenantId);
    return this.runner.run(
      keyId,
      (now) => ({
        type: 'EditKey',
        caller,
        keyId,
        ...fields,
        limits,
        now,
      }),
      { expectedRevision, correlationId },
    );
  }
}
