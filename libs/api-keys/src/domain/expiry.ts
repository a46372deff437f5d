import type { FieldError } from './api-key.errors.js';

/** The console's presets; a custom date is any other instant within the lifetime limit. */
export const EXPIRY_PRESET_DAYS = [7, 30, 60, 90] as const;

/** One day in milliseconds (expiry presets, lifetime bounds, notice stages). */
export const DAY_MS = 24 * 60 * 60 * 1000;

export const expiryFromPreset = (now: Date, days: number): Date => new Date(now.getTime() + days * DAY_MS);

/** Palette's Go SDK sends the zero time for a date it was not given. */
export const isZeroTime = (date: Date): boolean => date.getUTCFullYear() <= 1;

export const checkExpiry = (expiresAt: Date, now: Date, maxLifetimeDays: number | null): FieldError | undefined => {
  if (Number.isNaN(expiresAt.getTime())) return { field: 'spec.expiry', message: 'must be an RFC 3339 date-time' };
  if (expiresAt.getTime() <= now.getTime()) return { field: 'spec.expiry', message: 'must be in the future' };
  if (maxLifetimeDays !== null && expiresAt.getTime() > now.getTime() + maxLifetimeDays * DAY_MS) {
    return { field: 'spec.expiry', message: `must be at most ${maxLifetimeDays} days ahead` };
  }
  return undefined;
};

export const hasExpired = (expiresAt: string, now: Date): boolean => new Date(expiresAt).getTime() <= now.getTime();

/** A description a policy that requires one refuses. */
export const checkDescription = (description: string, required: boolean | undefined): FieldError | undefined =>
  required && description.trim() === ''
    ? { field: 'metadata.annotations.description', message: "is required by the tenant's API key policy" }
    : undefined;
