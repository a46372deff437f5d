import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '@keystream/clock';
import { CONSISTENCY_TIMEOUT_MS } from '@keystream/config';
import { ConcurrencyError, EVENT_STORE, type EventStore } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { ID_GENERATOR, type IdGenerator } from '@keystream/secrets';
import { describeError } from '@keystream/store-errors';
import { type DirectoryUserCommand, decide, directoryUserStreamName, evolve, initialState } from '../domain/index.js';
import { decodeDirectoryUserEvent, toDirectoryEventToAppend } from './directory-user-event.codec.js';
import { DirectoryStanding } from './directory-standing.js';

const MAX_ATTEMPTS = 5;

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
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const history = await this.eventStore.readStream(streamName);
      const current = BigInt(history.length - 1);
      const state = history.flatMap((event) => decodeDirectoryUserEvent(event) ?? []).reduce(evolve, initialState());
      const command = makeCommand(this.clock.now());
      const events = decide(command, state);
      if (events.length === 0) return { changed: false };
      try {
        const appended = await this.eventStore.appendToStream(
          streamName,
          events.map((event) => toDirectoryEventToAppend(event, { eventId: this.ids.newEventId(), now: command.now, correlationId })),
          current < 0n ? 'no_stream' : current,
        );
        const shown = await this.waiter.waitFor(appended.position, this.timeoutMs, streamName).catch((error: unknown) => {
          this.logger.warn(`Could not check the views for directory user ${userId}: ${describeError(error)}`);
          return false;
        });
        if (!shown) this.logger.warn(`Views did not reflect directory user ${userId} within ${this.timeoutMs} ms; answering anyway`);
        this.standing.forget(tenantId);
        return { changed: true };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
    throw new DirectoryConflictError();
  }
}
