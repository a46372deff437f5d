import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RevokeUserKeysCommand } from './revoke-user-keys.command.js';
import { UserKeysRevoker } from './user-keys-revoker.js';

@CommandHandler(RevokeUserKeysCommand)
export class RevokeUserKeysHandler implements ICommandHandler<RevokeUserKeysCommand> {
  constructor(private readonly revoker: UserKeysRevoker) {}

  execute({ caller, userId, dryRun, correlationId }: RevokeUserKeysCommand) {
    return this.revoker.revokeAll(caller, userId, { dryRun, reason: 'owner-keys-revoked', correlationId });
  }
}
