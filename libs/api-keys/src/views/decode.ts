import type { RecordedEvent } from '@keystream/event-store';
import { API_KEY_STREAM_PREFIX, type ApiKeyEvent, isApiKeyEvent } from '../domain/index.js';

/** A stored event as the views fold it: the key it belongs to, its stream revision, the fact. */
export interface KeyEventAt {
  keyId: string;
  revision: number;
  event: ApiKeyEvent;
}

/**
 * The one place the views turn a stored event into an API key event; undefined for anything else
 * (a projection accepts every recorded fact, even ones it ignores). To be replaced by the event
 * codec (decodeApiKeyEvent) when it lands.
 */
export function decodeKeyEvent(recorded: RecordedEvent): KeyEventAt | undefined {
  if (!recorded.streamName.startsWith(API_KEY_STREAM_PREFIX) || !isApiKeyEvent(recorded)) return undefined;
  return {
    keyId: recorded.streamName.slice(API_KEY_STREAM_PREFIX.length),
    revision: Number(recorded.revision),
    event: recorded as unknown as ApiKeyEvent,
  };
}
