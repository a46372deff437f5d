import { randomUUID } from 'node:crypto';
import type { Note } from './notes.view.js';

/** A tenant of its own per test, so tests share a database without seeing each other's rows. */
export const newTenant = (): string => `t-${randomUUID()}`;
export const newCheckpointName = (): string => `contract-notes-${randomUUID().slice(0, 8)}`;

export const note = (overrides: Partial<Note> = {}): Note => ({ id: randomUUID(), tenantId: 't1', text: 'a note', ...overrides });
