/** One day in milliseconds. The bundle cannot import @keystream/api-keys' DAY_MS (a server lib), so it is kept here once. */
export const DAY_MS = 86_400_000;

export const formatDate = (iso: string): string =>
  new Date(iso).toLocaleDateString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

export const formatDateTime = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';

/** The badge beside an expiration date: expired, or how many days are left. */
export const expiryBadge = (expiry: string, expired: boolean | undefined, now = Date.now()): { text: string; tone: 'bad' | 'warn' | 'ok' } => {
  const left = new Date(expiry).getTime() - now;
  if (expired || left <= 0) return { text: 'expired', tone: 'bad' };
  const days = Math.ceil(left / DAY_MS);
  return { text: days === 1 ? 'expires in 1 day' : `expires in ${days} days`, tone: days <= 7 ? 'warn' : 'ok' };
};

/** yyyy-mm-dd of a day, in UTC (the date input's value format). */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

export const daysFromNow = (days: number, now = Date.now()): Date => new Date(now + days * DAY_MS);
