import type { RecordedEvent } from '@keystream/event-store';
import { decodeApiKeyEvent } from '../application/api-key-event.codec.js';
import { API_KEY_STREAM_PREFIX, type ApiKeyEvent } from '../domain/index.js';

/** A stored event as the views fold it: the key it belongs to, its stream revision, the fact. */
export interface KeyEventAt {
  keyId: string;
  revision: number;
  event: ApiKeyEvent;
}

/**
 * A stored event as the views fold it, through the one event codec (which upcasts older schema
 * versions and throws on a malformed fact, so the processor stops on it instead of skipping it);
 * undefined for anything that is not an API key event: a projection accepts every recorded fact,
 * even ones it ignores.
 */
export function decodeKeyEvent(recorded: RecordedEvent): KeyEventAt | undefined {
  if (decoded.has(recorded)) return decoded.get(recorded);
  const result = decode(recorded);
  decoded.set(recorded, result);
  return result;
}

/**
 * A rebuild hands the same recorded events to every view in one transaction; each is decoded (and
 * checked) once. Weak, so an event is forgotten with its batch. A throw is not remembered: the next
 * view, or the retry, meets the malformed event again and stops on it too.
 */
const decoded = new WeakMap<RecordedEvent, KeyEventAt | undefined>();

function decode(recorded: RecordedEvent): KeyEventAt | undefined {
  if (!recorded.streamName.startsWith(API_KEY_STREAM_PREFIX)) return undefined;
  const event = decodeApiKeyEvent(recorded);
  if (!event) return undefined;
  return { keyId: recorded.streamName.slice(API_KEY_STREAM_PREFIX.length), revision: Number(recorded.revision), event };
}
