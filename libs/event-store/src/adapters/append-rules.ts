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
  const current = stream.length - 1;
  const retried = findRetriedAppend(stream, events, expected);
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

const findRetriedAppend = (
  stream: readonly Pick<RecordedEvent, 'id' | 'revision' | 'position'>[],
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): AppendResult | undefined => {
  if (events.length === 0) return undefined;
  const first = stream.findIndex((event) => event.id === events[0]!.id);
  if (first < 0) return undefined;
  if (expected !== 'any' && first !== (expected === 'no_stream' ? 0 : Number(expected) + 1)) return undefined;
  const written = stream.slice(first, first + events.length);
  if (written.length !== events.length || written.some((event, i) => event.id !== events[i]!.id)) return undefined;
  const last = written[written.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
};

export const matchesFilter = (event: Pick<RecordedEvent, 'streamName'>, filter: AllFilter): boolean =>
  filter.streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix));
