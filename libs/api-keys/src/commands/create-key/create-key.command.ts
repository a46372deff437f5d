import { Command } from '@nestjs/cqrs';
import type { UserCaller, SystemCaller } from '../../domain/index.js';

export class CreateKeyCommand extends Command<{ uid: string; apiKey: string }> {
  constructor(
    readonly caller: UserCaller | SystemCaller,
    readonly fields: { name: string; description: string; expiresAt: Date; ownerId?: string },
    readonly correlationId: string,
  ) {
    super();
  }
}
