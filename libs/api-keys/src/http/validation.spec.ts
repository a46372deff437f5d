import { describe, expect, it } from 'vitest';
import { isCalendarDateTime } from './validation.js';

describe('isCalendarDateTime', () => {
  it('accepts RFC 3339 date-times, Palette’s zero time and offsets', () => {
    for (const text of ['2027-01-01T00:00:00Z', '2027-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z', '2028-02-29T23:59:59.999+02:00', '2027-06-30t12:00:00z']) {
      expect(isCalendarDateTime(text), text).toBe(true);
    }
  });

  it('refuses days the calendar does not have, second 60 and other shapes', () => {
    for (const text of ['2027-02-30T00:00:00Z', '2027-04-31T00:00:00Z', '2027-02-29T00:00:00Z', '2027-01-01T00:00:60Z', '2027-01-01T24:00:00Z', '2027-13-01T00:00:00Z', '2027-01-01', 'tomorrow', '2027-01-01T00:00:00', 42, null]) {
      expect(isCalendarDateTime(text), String(text)).toBe(false);
    }
  });
});
