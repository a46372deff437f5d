import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator, SECRET_HASHER, type SecretHasher } from '@keystream/secrets';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import type { RotateKey } from '../../domain/index.js';
import { RotateKeyCommand, type RotateKeyResult } from './rotate-key.command.js';

@CommandHandler(RotateKeyCommand)
export class RotateKeyHandler implements ICommandHandler<RotateKeyCommand> {
  constructor(
    private readonly runner: ApiKeyCommandRunner,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** A new value with the same key id (so verification still finds the one row), hashed before deciding. */
  async execute({ caller, keyId, graceSeconds, expectedRevision, correlationId }: RotateKeyCommand): Promise<RotateKeyResult> {
    const apiKey = this.ids.newKeyValue(keyId);
    const secretHash = await this.hasher.hash(apiKey);
    const result = await this.runner.run(
      keyId,
      (now): RotateKey => ({ type: 'RotateKey', caller, keyId, graceSeconds, secretHash, now }),
      { expectedRevision, correlationId },
    );
    // A rotation always records its event (the decider either rotates or throws).
    const rotated = result.events.find((event) => event.type === 'KeyRotated');
    if (!rotated) throw new Error(`Rotating key ${keyId} recorded no KeyRotated`);
    return { uid: keyId, apiKey, previousValidUntil: rotated.data.graceEndsAt, revision: result.revision };
  }
}
