import { Command } from '@nestjs/cqrs';
import type { UserCaller } from '../../domain/index.js';

export interface RotateKeyResult {
  uid: string;
  /** The new value: returned this once, never stored. */
  apiKey: string;
  /** Until when the value before it keeps working (now when there is no grace). */
  previousValidUntil: string;
  revision: bigint;
}

export class RotateKeyCommand extends Command<RotateKeyResult> {
  constructor(
    readonly caller: UserCaller,
    readonly keyId: string,
    readonly graceSeconds: number,
    readonly expectedRevision: bigint | undefined,
    readonly correlationId: string,
  ) {
    super();
  }
}
