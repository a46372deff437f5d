import type { RecordedEvent } from '@keystream/event-store';
import { type BatchConsumer, CheckpointMovedError } from '@keystream/processing';
import type { CheckpointStore } from '@keystream/read-model';
import type { RevokeUserKeysResult, SystemCaller } from '@keystream/api-keys';
import { decodeDirectoryRecord } from '../application/directory-user-event.codec.js';
import { DIRECTORY_USER_STREAM_PREFIX, endsAccess, formerUserName } from '../domain/index.js';

/** The processor's checkpoint name: its own, so no view rebuild ever moves it. */
export const OFFBOARDING_PROCESSOR = 'directory-offboarding-v1';

/** What the processor needs of the key feature: revoke every active key of one user. */
export interface KeyRevocation {
  revokeAll(caller: SystemCaller, userId: string, options: { dryRun: false; reason: 'owner-deactivated'; correlationId: string }): Promise<RevokeUserKeysResult>;
}

export interface OffboardingLogger {
  info(fields: object, message: string): void;
}

/**
 * Offboarding, driven by the directory's events under the processing lease: for each user the
 * identity provider deactivated or deleted (or provisioned inactive), every active key of theirs is
 * revoked, one KeyRevoked with reason `owner-deactivated` per key. A rename ends access for the former
 * user name the same way: the keys made under it are revoked (keys are owned by a user name, and the
 * former name is only a tombstone in the directory from then on). The checkpoint moves only after a
 * batch's revocations are all done, and a revoke of a revoked key decides nothing, so an interrupted
 * run (a crash, a lost lease) resumes from the same event and finishes without doubling anything.
 */
export function offboardingProcessor(revocation: KeyRevocation, checkpoints: CheckpointStore, logger: OffboardingLogger): BatchConsumer {
  return {
    name: OFFBOARDING_PROCESSOR,
    filter: { streamNamePrefixes: [DIRECTORY_USER_STREAM_PREFIX] },
    loadCheckpoint: () => checkpoints.getCheckpoint(OFFBOARDING_PROCESSOR),
    async consume(events: readonly RecordedEvent[], { expected, next }) {
      for (const recorded of events) {
        const decoded = decodeDirectoryRecord(recorded);
        if (!decoded) continue;
        const former = formerUserName(decoded.event);
        const ended = former ?? (endsAccess(decoded.event) ? decoded.event.data.userName : undefined);
        if (ended === undefined) continue;
        const { tenantId } = decoded.event.data;
        const result = await revocation.revokeAll({ kind: 'system', tenantId }, ended, { dryRun: false, reason: 'owner-deactivated', correlationId: recorded.id });
        logger.info({ tenantId, event: decoded.event.type, keys: result.count, revoked: result.revoked }, former === undefined ? 'offboarded a directory user' : 'ended access for a renamed user\'s former name');
      }
      const moved = await checkpoints.transaction((tx) => tx.compareAndSetCheckpoint(OFFBOARDING_PROCESSOR, expected, next));
      if (!moved) throw new CheckpointMovedError();
    },
  };
}
