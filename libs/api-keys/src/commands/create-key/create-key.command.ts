import { Command } from '@nestjs/cqrs';
import type { StringMap, SystemCaller, UserCaller } from '../../domain/index.js';

export class CreateKeyCommand extends Command<{ uid: string; apiKey: string }> {
  constructor(
    readonly caller: UserCaller | SystemCaller,
    readonly fields: { name: string; description: string; annotations: StringMap; labels: StringMap; expiresAt: Date; ownerId?: string },
    readonly correlationId: string,
  ) {
    super();
  }
}
