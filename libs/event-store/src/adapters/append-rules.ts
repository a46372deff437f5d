import type { AllFilter, AppendResult, EventToAppend, ExpectedRevision, RecordedEvent } from '../event-store.port.js';

export type AppendOutcome =
  | { kind: 'append' }
  | { kind: 'already-appended'; result: AppendResult }
  | { kind: 'conflict'; expected: string; actual: string };

/**
 * EventStoreDB's expected-revision rules, shared by the embedded adapters so they cannot drift:
 * an append whose event ids are exactly the events that follow the expected revision is a retry
 * of a write that already happened, and answers as that write did.
 */
export const appendOutcome = (
  streamName: string,
  stream: readonly Pick<RecordedEvent, 'id' | 'revision' | 'position'>[],
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): AppendOutcome => {
  const first = events.length === 0 ? -1 : stream.findIndex((event) => event.id === events[0]!.id);
  return appendOutcomeAt(streamName, stream.length - 1, first < 0 ? undefined : stream.slice(first, first + events.length), events, expected);
};

/**
 * The same rules for a store that need not read the whole stream: `current` is the stream's last
 * revision (-1 when it does not exist); `written` the stream's events from the one that carries the
 * first event's id, as many as `events` (undefined when the stream has no event with that id).
 */
export const appendOutcomeAt = (
  streamName: string,
  current: number,
  written: readonly Pick<RecordedEvent, 'id' | 'revision' | 'position'>[] | undefined,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): AppendOutcome => {
  const retried = written && findRetriedAppend(written, events, expected);
  if (retried) return { kind: 'already-appended', result: retried };
  if (expected === 'any') return { kind: 'append' };
  const wanted = expected === 'no_stream' ? -1 : Number(expected);
  if (wanted === current) return { kind: 'append' };
  return {
    kind: 'conflict',
    expected: expected === 'no_stream' ? 'no_stream' : String(expected),
    actual: current < 0 ? 'no_stream' : String(current),
  };
};

/** `written` starts at the stream's event with the first event's id. */
const findRetriedAppend = (
  written: readonly Pick<RecordedEvent, 'id' | 'revision' | 'position'>[],
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): AppendResult | undefined => {
  if (events.length === 0 || written.length === 0 || written[0]!.id !== events[0]!.id) return undefined;
  const first = Number(written[0]!.revision);
  if (expected !== 'any' && first !== (expected === 'no_stream' ? 0 : Number(expected) + 1)) return undefined;
  if (written.length !== events.length || written.some((event, i) => event.id !== events[i]!.id)) return undefined;
  const last = written[written.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
};

export const matchesFilter = (event: Pick<RecordedEvent, 'streamName'>, filter: AllFilter): boolean =>
  filter.streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix));
