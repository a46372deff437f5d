import { Command } from '@nestjs/cqrs';
import type { StringMap, UserCaller } from '../../domain/index.js';
import type { RunResult } from '../../application/api-key-command-runner.js';

export class EditKeyCommand extends Command<RunResult> {
  constructor(
    readonly caller: UserCaller,
    readonly keyId: string,
    readonly fields: { name: string; description?: string; annotations?: StringMap; labels?: StringMap; expiresAt?: Date; ownerId?: string },
    readonly expectedRevision: bigint | undefined,
    readonly correlationId: string,
  ) {
    super();
  }
}
