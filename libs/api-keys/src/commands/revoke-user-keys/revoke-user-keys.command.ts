import { Command } from '@nestjs/cqrs';
import type { UserCaller } from '../../domain/index.js';
import type { RevokeUserKeysResult } from './user-keys-revoker.js';

export class RevokeUserKeysCommand extends Command<RevokeUserKeysResult> {
  constructor(
    readonly caller: UserCaller,
    readonly userId: string,
    readonly dryRun: boolean,
    readonly correlationId: string,
  ) {
    super();
  }
}
