import { ValidateBy } from 'class-validator';

/**
 * The one date-time parser for bodies and queries: RFC 3339 `date-time` only (section 5.6), with a
 * day the calendar has. ISO 8601's other forms (week `2009-W01-1`, ordinal `2009-123`, basic
 * `20090519`, a time without seconds) are refused, and so is second 60: `Date` cannot hold a leap
 * second. The Date is built here from the fields rather than by `new Date(text)`, whose accepted
 * forms are implementation-defined and which maps years below 100 to the 1900s.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export const parseRfc3339 = (text: unknown): Date | undefined => {
  const match = typeof text === 'string' ? RFC3339.exec(text) : null;
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [fraction = '', , sign, offsetHours = '0', offsetMinutes = '0'] = match.slice(7);
  if (hour > 23 || minute > 59 || second > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  // Milliseconds from the digits, not by float arithmetic (0.579 * 1000 is 578.999…).
  const millis = Number(`${fraction.slice(1)}000`.slice(0, 3));
  date.setUTCHours(hour, minute, second, millis);
  return new Date(date.getTime() - (sign ? offsetMs : 0));
};

export const isRfc3339DateTime = (text: unknown): boolean => parseRfc3339(text) !== undefined;

/** A DTO date-time, checked by the one RFC 3339 parser. */
export const IsCalendarDateTime = () =>
  ValidateBy({
    name: 'isCalendarDateTime',
    validator: {
      validate: isRfc3339DateTime,
      defaultMessage: () => '$property must be an RFC 3339 date-time that exists in the calendar',
    },
  });
