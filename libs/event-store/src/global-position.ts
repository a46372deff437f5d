import type { GlobalPosition } from './event-store.port.js';

export const comparePositions = (a: GlobalPosition, b: GlobalPosition): number =>
  a.commit === b.commit ? Number(a.prepare - b.prepare) : a.commit < b.commit ? -1 : 1;

/** True when `position` is at or after `target` (undefined means "before the first event"). */
export const hasReached = (position: GlobalPosition | undefined, target: GlobalPosition): boolean =>
  position !== undefined && comparePositions(position, target) >= 0;

/** Checkpoints store positions as text: "commit/prepare". */
export const formatPosition = (position: GlobalPosition): string => `${position.commit}/${position.prepare}`;

export const parsePosition = (text: string): GlobalPosition => {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new Error(`Malformed position "${text}"`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
};

export const sequencePosition = (sequence: bigint): GlobalPosition => ({ commit: sequence, prepare: sequence });
