import type { AllFilter, EventStore } from '@keystream/event-store';
import { parsePosition } from '@keystream/event-store';
import type { CheckpointReader } from '@keystream/read-model';

const COUNT_LIMIT = 10_000;

export interface Lag {
  /** Events past the checkpoint (at most COUNT_LIMIT: a lower bound beyond it). */
  events: number;
  /** Age of the oldest event past the checkpoint; 0 when caught up. */
  seconds: number;
}

/** How far a checkpointed consumer (a projection, the audit relay) is behind the log it reads. */
export async function checkpointLag(eventStore: Pick<EventStore, 'readAll'>, readModel: CheckpointReader, name: string, filter: AllFilter, now = Date.now()): Promise<Lag> {
  const checkpoint = await readModel.getCheckpoint(name);
  const page = await eventStore.readAll({ after: checkpoint === undefined ? undefined : parsePosition(checkpoint), maxCount: COUNT_LIMIT, filter });
  const oldest = page.events[0];
  return { events: page.events.length, seconds: oldest ? Math.max(0, (now - oldest.recordedAt.getTime()) / 1000) : 0 };
}
