import { Command } from '@nestjs/cqrs';
import type { Caller } from '../../domain/index.js';

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
    /** A user through the HTTP API, or the system (the operator CLI's `keys rotate`). */
    readonly caller: Caller,
    readonly keyId: string,
    readonly graceSeconds: number,
    readonly expectedRevision: bigint | undefined,
    readonly correlationId: string,
  ) {
    super();
  }
}
