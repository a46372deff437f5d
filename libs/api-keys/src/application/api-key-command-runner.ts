import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CLOCK, type Clock } from '@keystream/clock';
import { CONSISTENCY_TIMEOUT_MS } from '@keystream/config';
import { type AppendResult, EVENT_STORE, type EventStore, StreamStateCache, decideAndAppend } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { describeError } from '@keystream/store-errors';
import { ID_GENERATOR, type IdGenerator } from '@keystream/secrets';
import {
  API_KEY_STREAM_PREFIX,
  type ApiKeyCommand,
  type ApiKeyEvent,
  type ApiKeyState,
  apiKeyStreamName,
  decide,
} from '../domain/index.js';
import { ConcurrencyConflictError, PreconditionFailedError, ViewsBehindError } from './application.errors.js';
import { API_KEY_FOLD } from './api-key-fold.js';
import { toEventToAppend } from './event-envelope.js';
import { KeyVerificationCache } from './key-verification.cache.js';

/** Views further behind than this are not waited for: a create is refused at once. */
const MAX_PENDING_KEY_EVENTS = 100;
/** The key streams: only the views that read them matter to a key decision. */
const KEY_STREAMS = { streamNamePrefixes: [API_KEY_STREAM_PREFIX] };

export interface RunOptions {
  /** From If-Match: a conflict with it is a 412, never retried. */
  expectedRevision?: bigint;
  correlationId: string;
}

export interface RunResult {
  /** The stream's revision after the command; the ETag. -1 when the stream does not exist. */
  revision: bigint;
  changed: boolean;
  /** What the decision recorded (none when nothing changed). */
  events: readonly ApiKeyEvent[];
}

/**
 * The five steps every API key command takes: read the key's stream, fold it, decide, append with
 * the revision read, and wait until the views show the result (decideAndAppend does the first four,
 * re-reading and re-deciding a bounded number of times on a conflict). Folds are cached per key, so a
 * command reads only the events written since this process last read the key, whatever the key's
 * history. The handler never writes a view or publishes anything itself.
 */
@Injectable()
export class ApiKeyCommandRunner {
  private readonly logger = new Logger(ApiKeyCommandRunner.name);
  private readonly folds = new StreamStateCache<ApiKeyState>();

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CONSISTENCY_TIMEOUT_MS) private readonly timeoutMs: number,
    private readonly waiter: CaughtUpWaiter,
    /** Absent where nothing verifies keys (the CLI). */
    @Optional() private readonly verifications?: KeyVerificationCache,
  ) {}

  async run(keyId: string, makeCommand: (now: Date) => ApiKeyCommand, options: RunOptions): Promise<RunResult> {
    const streamName = apiKeyStreamName(keyId);
    let command: ApiKeyCommand | undefined;
    const outcome = await decideAndAppend(this.eventStore, API_KEY_FOLD, {
      streamName,
      expectedRevision: options.expectedRevision,
      cache: this.folds,
      decide: (state) => decide((command = makeCommand(this.clock.now())), state),
      toAppend: (events) =>
        events.map((event) => toEventToAppend(event, { eventId: this.ids.newEventId(), caller: command!.caller, now: command!.now, correlationId: options.correlationId })),
    });
    switch (outcome.kind) {
      case 'stale':
        throw new PreconditionFailedError();
      case 'conflicted':
        throw new ConcurrencyConflictError();
      case 'unchanged':
        return { revision: outcome.revision, changed: false, events: [] };
      case 'appended':
        await this.waitForViews(keyId, streamName, outcome.appended.position);
        // The views show the change: this instance's next request for the key reads it from them.
        this.verifications?.forget(keyId);
        return { revision: outcome.appended.nextExpectedRevision, changed: true, events: outcome.events };
    }
  }

  /**
   * For a decision that reads the views rather than the key's stream (the key limit counts the
   * owner's keys in the listing): wait until they show every key event in the store, or refuse,
   * since a count that misses a create whose own wait timed out could let an owner past the limit.
   * The key events past the views' lowest checkpoint are read forward from it, so events of other
   * streams in a shared log never count, and views that are current cost one short read.
   */
  async requireCurrentViews(): Promise<void> {
    const timeoutMs = this.timeoutMs;
    const refuse = (reason: string): never => {
      this.logger.warn(`Refusing a create: the views ${reason}`);
      throw new ViewsBehindError();
    };
    const shown = await this.waiter.lowestCheckpoint(KEY_STREAMS).catch((error: unknown) => refuse(`could not be read (${describeError(error)})`));
    const pending = await this.eventStore.readAll({ after: shown, maxCount: MAX_PENDING_KEY_EVENTS, filter: KEY_STREAMS });
    const newest = pending.events.at(-1);
    if (!newest) return;
    if (!pending.isEnd) refuse(`are more than ${MAX_PENDING_KEY_EVENTS} key events behind`);
    const caughtUp = await this.waiter.waitFor(newest.position, timeoutMs, newest.streamName).catch((error: unknown) => refuse(`could not be read (${describeError(error)})`));
    if (!caughtUp) refuse(`did not show every key event within ${timeoutMs} ms`);
  }

  /**
   * Read-your-writes, best effort: the event is already durable, so whatever happens here (a
   * timeout, the read model down) the command has succeeded and must say so.
   */
  private async waitForViews(keyId: string, streamName: string, position: AppendResult['position']): Promise<void> {
    const timeoutMs = this.timeoutMs;
    const shown = await this.waiter.waitFor(position, timeoutMs, streamName).catch((error: unknown) => {
      this.logger.warn(`Could not check the views for key ${keyId}: ${describeError(error)}`);
      return false;
    });
    if (!shown) this.logger.warn(`Views did not reflect key ${keyId} within ${timeoutMs} ms; answering anyway`);
  }
}
