import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@keystream/clock';
import { NAMED_LOCKS, type NamedLocks } from '@keystream/read-model';
import { ID_GENERATOR, type IdGenerator, SECRET_HASHER, type SecretHasher } from '@keystream/secrets';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { OwnerLocks } from '../../application/owner-locks.js';
import { checkCreateRequest } from '../../domain/index.js';
import { TenantKeyPolicies } from '../../tenant-policy/application/tenant-key-policies.js';
import { KEY_LISTING_QUERIES, type KeyListingQueries } from '../../views/key-listing/key-listing.queries.js';
import { CreateKeyCommand } from './create-key.command.js';

@CommandHandler(CreateKeyCommand)
export class CreateKeyHandler implements ICommandHandler<CreateKeyCommand> {
  constructor(
    private readonly runner: ApiKeyCommandRunner,
    private readonly ownerLocks: OwnerLocks,
    @Inject(NAMED_LOCKS) private readonly locks: NamedLocks,
    @Inject(KEY_LISTING_QUERIES) private readonly listing: KeyListingQueries,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly policies: TenantKeyPolicies,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caller, fields, correlationId }: CreateKeyCommand) {
    const ownerId = fields.ownerId ?? (caller.kind === 'user' ? caller.userId : '');
    const forSelf = caller.kind === 'user' && ownerId === caller.userId;
    // The tenant's policy (else the configured defaults), from memory when warm.
    const limits = await this.policies.limitsFor(caller.tenantId);
    // Refuse what needs no state before spending a scrypt hash (about 50 ms of a thread) on it.
    checkCreateRequest({ caller, ownerId, expiresAt: fields.expiresAt, description: fields.description, now: this.clock.now(), limits });
    const keyId = this.ids.newKeyId();
    const apiKey = this.ids.newKeyValue(keyId);
    const secretHash = await this.hasher.hash(apiKey);
    const owner = `${caller.tenantId}/${ownerId}`;
    // Count and create under the owner's lock, in this process and across instances, so two
    // concurrent creates cannot both see 19 keys and both make the 20th; and count only from views
    // that show every create before this one.
    await this.ownerLocks.run(owner, () => this.locks.withLock(`owner:${owner}`, async () => {
      await this.runner.requireCurrentViews();
      const ownerKeyCount = await this.listing.countOwnerKeys(caller.tenantId, ownerId);
      await this.runner.run(
        keyId,
        (now) => ({
          type: 'CreateKey',
          caller,
          keyId,
          ownerId,
          ownerFirstName: (forSelf && caller.firstName) || '',
          ownerLastName: (forSelf && caller.lastName) || '',
          name: fields.name,
          description: fields.description,
          annotations: fields.annotations,
          labels: fields.labels,
          expiresAt: fields.expiresAt,
          secretHash,
          ownerKeyCount,
          limits,
          now,
        }),
        { correlationId },
      );
    }));
    return { uid: keyId, apiKey };
  }
}
