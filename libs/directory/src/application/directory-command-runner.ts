import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '@keystream/clock';
import { CONSISTENCY_TIMEOUT_MS } from '@keystream/config';
import { EVENT_STORE, type EventStore, decideAndAppend } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { ID_GENERATOR, type IdGenerator } from '@keystream/secrets';
import { describeError } from '@keystream/store-errors';
import { type DirectoryUserCommand, decide, directoryUserStreamName, evolve, initialState } from '../domain/index.js';
import { decodeDirectoryUserEvent, toDirectoryEventToAppend } from './directory-user-event.codec.js';
import { DirectoryStanding } from './directory-standing.js';

/** Thrown after repeated conflicts on one user's stream; answered 409 (SCIM clients retry). */
export class DirectoryConflictError extends Error {
  constructor() {
    super('The user was changed concurrently; retry');
    this.name = 'DirectoryConflictError';
  }
}

/**
 * A directory command end to end: read the user's stream, fold, decide, append with the revision
 * read (re-deciding on a conflict), then wait until the views show it, so the next SCIM read and
 * the next request of the user see the change.
 */
@Injectable()
export class DirectoryCommandRunner {
  private readonly logger = new Logger(DirectoryCommandRunner.name);

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CONSISTENCY_TIMEOUT_MS) private readonly timeoutMs: number,
    private readonly waiter: CaughtUpWaiter,
    private readonly standing: DirectoryStanding,
  ) {}

  async run(tenantId: string, userId: string, makeCommand: (now: Date) => DirectoryUserCommand, correlationId: string): Promise<{ changed: boolean }> {
    const streamName = directoryUserStreamName(tenantId, userId);
    let command: DirectoryUserCommand | undefined;
    const outcome = await decideAndAppend(this.eventStore, { initialState, evolve, decode: decodeDirectoryUserEvent }, {
      streamName,
      decide: (state) => decide((command = makeCommand(this.clock.now())), state),
      toAppend: (events) => events.map((event) => toDirectoryEventToAppend(event, { eventId: this.ids.newEventId(), now: command!.now, correlationId })),
    });
    if (outcome.kind === 'conflicted') throw new DirectoryConflictError();
    if (outcome.kind !== 'appended') return { changed: false };
    const shown = await this.waiter.waitFor(outcome.appended.position, this.timeoutMs, streamName).catch((error: unknown) => {
      this.logger.warn(`Could not check the views for directory user ${userId}: ${describeError(error)}`);
      return false;
    });
    if (!shown) this.logger.warn(`Views did not reflect directory user ${userId} within ${this.timeoutMs} ms; answering anyway`);
    this.standing.forget(tenantId);
    return { changed: true };
  }
}
