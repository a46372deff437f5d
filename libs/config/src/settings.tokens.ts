/**
 * Injection tokens for the narrow settings the libs need, so a handler asks for the one thing it
 * reads (its key policy, a timeout) instead of the whole AppConfig. The composition root
 * (libs/runtime) provides each from AppConfig.
 */

/** The limits a create or an edit is decided against. */
export interface KeyPolicy {
  maxKeysPerUser: number;
  maxLifetimeDays: number;
}
export const KEY_POLICY = Symbol('KEY_POLICY');

/** number: how long a command waits for the views to reflect it before answering anyway (ms). */
export const CONSISTENCY_TIMEOUT_MS = Symbol('CONSISTENCY_TIMEOUT_MS');

/** number: how long a successful key verification is remembered (seconds). */
export const KEY_CACHE_TTL_SECONDS = Symbol('KEY_CACHE_TTL_SECONDS');

/** The pino logger every part logs through. */
export const LOGGER = Symbol('LOGGER');
