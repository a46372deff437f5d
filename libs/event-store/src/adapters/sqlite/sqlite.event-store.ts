import Database from 'better-sqlite3';
import { ConcurrencyError } from '../../event-store.errors.js';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../../event-store.port.js';
import { sequencePosition } from '../../global-position.js';
import { appendOutcomeAt } from '../append-rules.js';
import { translateSqliteError, translatingSqliteErrors } from './sqlite.errors.js';
import { LogNotifier } from '../log-notifier.js';
import { pollingSubscription } from '../polling-subscription.js';

const SCHEMA = `
  create table if not exists events (
    position    integer primary key autoincrement,
    event_id    text    not null unique,
    stream_name text    not null,
    revision    integer not null,
    type        text    not null,
    data        text    not null,
    metadata    text    not null,
    recorded_at text    not null,
    unique (stream_name, revision)
  );
`;

interface EventRow {
  position: bigint;
  event_id: string;
  stream_name: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface PendingAppend {
  readonly streamName: string;
  readonly events: readonly EventToAppend[];
  /** Each event's data and metadata as JSON, made before queueing (a failure there is this append's alone). */
  readonly serialised: readonly { data: string; metadata: string }[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type AppendAnswer = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/**
 * The embedded default: one SQLite file in WAL mode. Appends run in an IMMEDIATE transaction, so
 * the revision check and the insert cannot interleave with another writer, even in another process.
 *
 * Group commit: the appends asked for in one turn of the event loop (the concurrent commands whose
 * requests were read together, or that queued while the previous group's fsync blocked the loop) are
 * written in ONE transaction, so they share one fsync (synchronous=FULL). Each append still has its own
 * savepoint, its own expected-revision check (it sees the appends before it in the group) and its own
 * answer: a conflict or a refused insert undoes that append alone. Nothing is answered before the
 * group's commit; if the commit fails, every append of the group fails and none was written.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly notifier = new LogNotifier();
  private readonly statements;
  private readonly appendGroup: (group: readonly PendingAppend[]) => AppendAnswer[];
  private pending: PendingAppend[] = [];
  private flushScheduled?: NodeJS.Immediate;

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    // FULL: an acknowledged append survives a power cut, not just a process crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = {
      stream: this.db.prepare('select * from events where stream_name = ? and revision >= ? order by revision').safeIntegers(),
      // The append's checks read only what they need (the stream's last revision, and the events of a
      // retried append), never the whole stream: an append costs the same on a long stream as on a new one.
      lastRevision: this.db.prepare('select max(revision) as revision from events where stream_name = ?').safeIntegers(),
      byEventId: this.db.prepare('select stream_name, revision from events where event_id = ?').safeIntegers(),
      written: this.db.prepare('select event_id, revision, position from events where stream_name = ? and revision >= ? order by revision limit ?').safeIntegers(),
      insert: this.db.prepare(
        `insert into events (event_id, stream_name, revision, type, data, metadata, recorded_at)
         values (@id, @streamName, @revision, @type, @data, @metadata, @recordedAt)`,
      ),
      head: this.db.prepare('select max(position) as position from events').safeIntegers(),
    };
    // Nested better-sqlite3 transactions are savepoints: a refused append is undone alone.
    const appendOne = this.db.transaction((append: PendingAppend, recordedAt: string) => this.appendOne(append, recordedAt));
    const group = this.db.transaction((appends: readonly PendingAppend[]): AppendAnswer[] => {
      const recordedAt = new Date().toISOString();
      return appends.map((append): AppendAnswer => {
        try {
          return { ok: true, result: appendOne(append, recordedAt) };
        } catch (error) {
          // Only this append's own refusals are its answer; a failing database fails the whole group.
          if (!(error instanceof ConcurrencyError) && !isConstraintError(error)) throw error;
          return { ok: false, error: translateSqliteError(error) };
        }
      });
    });
    this.appendGroup = (appends) => group.immediate(appends);
  }

  async readStream(streamName: string, { fromRevision = 0n }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return translatingSqliteErrors(() => (this.statements.stream.all(streamName, fromRevision) as EventRow[]).map(toRecordedEvent));
  }

  appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      // Checked and serialised here, not in the group's transaction: an append whose own data is
      // unusable (no events, a BigInt or a cycle JSON cannot write) is refused alone.
      if (events.length === 0) return reject(new TypeError(`An append to ${streamName} needs at least one event`));
      let serialised: PendingAppend['serialised'];
      try {
        serialised = events.map((event) => ({ data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) }));
      } catch (error) {
        return reject(error);
      }
      this.pending.push({ streamName, events, serialised, expectedRevision, resolve, reject });
      this.flushScheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes every pending append in one transaction, then answers each. */
  private flush(): void {
    this.flushScheduled = undefined;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    let answers: AppendAnswer[];
    try {
      answers = translatingSqliteErrors(() => this.appendGroup(group));
    } catch (error) {
      for (const append of group) append.reject(error);
      return;
    }
    if (answers.some((answer) => answer.ok)) this.notifier.notify();
    group.forEach((append, i) => {
      const answer = answers[i]!;
      if (answer.ok) append.resolve(answer.result);
      else append.reject(answer.error);
    });
  }

  /** One append inside the group's transaction; throws (its savepoint undone) to refuse it. */
  private appendOne({ streamName, events, serialised, expectedRevision }: PendingAppend, recordedAt: string): AppendResult {
    const last = (this.statements.lastRevision.get(streamName) as { revision: bigint | null }).revision;
    const current = last === null ? -1 : Number(last);
    const outcome = appendOutcomeAt(streamName, current, this.writtenFrom(streamName, events), events, expectedRevision);
    if (outcome.kind === 'conflict') throw new ConcurrencyError(streamName, outcome.expected, outcome.actual);
    if (outcome.kind === 'already-appended') return outcome.result;
    let inserted: Database.RunResult | undefined;
    events.forEach((event, index) => {
      inserted = this.statements.insert.run({
        id: event.id,
        streamName,
        revision: current + 1 + index,
        type: event.type,
        data: serialised[index]!.data,
        metadata: serialised[index]!.metadata,
        recordedAt,
      });
    });
    return {
      nextExpectedRevision: BigInt(current + events.length),
      position: sequencePosition(BigInt(inserted!.lastInsertRowid)),
    };
  }

  /** The stream's events from the one that carries the first event's id (a retried append), if it has one. */
  private writtenFrom(streamName: string, events: readonly EventToAppend[]): Pick<RecordedEvent, 'id' | 'revision' | 'position'>[] | undefined {
    const found = this.statements.byEventId.get(events[0]!.id) as { stream_name: string; revision: bigint } | undefined;
    if (found?.stream_name !== streamName) return undefined;
    const rows = this.statements.written.all(streamName, found.revision, events.length) as Pick<EventRow, 'event_id' | 'revision' | 'position'>[];
    return rows.map((row) => ({ id: row.event_id, revision: BigInt(row.revision), position: sequencePosition(BigInt(row.position)) }));
  }

  async readAll({ after, maxCount, filter }: ReadAllOptions): Promise<ReadAllResult> {
    const prefixes = filter.streamNamePrefixes.map((prefix) => `${escapeLike(prefix)}%`);
    const matching = prefixes.map(() => `stream_name like ? escape '\\'`).join(' or ') || 'false';
    const page = this.db
      .prepare(`select * from events where position > ? and (${matching}) order by position limit ?`)
      .safeIntegers();
    return translatingSqliteErrors(this.db.transaction(() => {
      const rows = page.all(after?.commit ?? 0n, ...prefixes, maxCount) as EventRow[];
      const events = rows.map(toRecordedEvent);
      const isEnd = events.length < maxCount;
      const head = (this.statements.head.get() as { position: bigint | null }).position;
      const scannedTo = isEnd ? (head === null ? undefined : sequencePosition(head)) : events.at(-1)!.position;
      return { events, isEnd, scannedTo };
    }));
  }

  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<SubscriptionMessage> {
    return pollingSubscription(this, this.notifier, options);
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    const head = translatingSqliteErrors(() => (this.statements.head.get() as { position: bigint | null }).position);
    return head === null ? undefined : sequencePosition(head);
  }

  async isHealthy(): Promise<boolean> {
    try {
      this.db.prepare('select 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    if (this.db.open) this.flush();
    this.notifier.close();
    if (this.db.open) this.db.close();
  }
}

/** A constraint refused this append's rows (say, an event id already used): the append's own fault. */
const isConstraintError = (error: unknown): boolean =>
  error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT');

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  streamName: row.stream_name,
  revision: BigInt(row.revision),
  position: sequencePosition(BigInt(row.position)),
  data: JSON.parse(row.data),
  metadata: JSON.parse(row.metadata),
  recordedAt: new Date(row.recorded_at),
});
