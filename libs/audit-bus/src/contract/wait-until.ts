import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` until it holds (tests wait for a state, never for a fixed time). The failure
 * names what was awaited and the last value seen, which is usually the whole diagnosis.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  condition: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (condition(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${show(value)}`);
    await sleep(intervalMs);
  }
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
};
