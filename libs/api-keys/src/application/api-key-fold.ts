import type { StreamFold } from '@keystream/event-store';
import { type ApiKeyEvent, type ApiKeyState, evolve, initialState } from '../domain/index.js';
import { decodeApiKeyEvent } from './api-key-event.codec.js';

/** How a key's stream folds into the state the key decider reads (the command runner's and the expiry notices'). */
export const API_KEY_FOLD: StreamFold<ApiKeyState, ApiKeyEvent> = { initialState, evolve, decode: decodeApiKeyEvent };
