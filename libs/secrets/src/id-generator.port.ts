import { randomUUID } from 'node:crypto';
import { newApiKeyValue, newKeyId } from './api-key-value.js';

export const ID_GENERATOR = Symbol('ID_GENERATOR');

/** Where new identities and key material come from; a port so tests can make them predictable. */
export interface IdGenerator {
  newKeyId(): string;
  newKeyValue(keyId: string): string;
  newEventId(): string;
}

export class RandomIdGenerator implements IdGenerator {
  newKeyId(): string {
    return newKeyId();
  }
  newKeyValue(keyId: string): string {
    return newApiKeyValue(keyId);
  }
  newEventId(): string {
    return randomUUID();
  }
}
