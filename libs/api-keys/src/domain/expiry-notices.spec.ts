import { describe, expect, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import { decide } from './api-key.decide.js';
import type { ApiKeyEvent } from './api-key.events.js';
import { evolve, initialState } from './api-key.state.js';
import type { ApiKeyCommand, NoteExpiry } from './api-key.commands.js';
import { nextNoticeAt } from './expiry-notices.js';
import {
  DAY,
  created,
  daysBefore,
  deleted,
  expired,
  expiringSoon,
  expiry,
  expiryMoved,
  reactivated,
  revoked,
  system,
} from './notices-and-leaks.fixtures.js';

const given = DeciderSpecification.for<ApiKeyCommand, ApiKeyEvent, ReturnType<typeof initialState>>({ decide, evolve, initialState });

const note = (now: Date, caller = system): NoteExpiry => ({ type: 'NoteExpiry', caller, keyId: 'k1', now });

describe('NoteExpiry', () => {
  it('says nothing while the first notice is not due', () => given([created()]).when(note(daysBefore(30, -1))).thenNothingHappened());

  it('notices 30, 7 and 1 days before, and the expiry itself, each when it falls due', () => {
    given([created()]).when(note(daysBefore(30))).then([expiringSoon(30, daysBefore(30))]);
    given([created(), expiringSoon(30, daysBefore(30))]).when(note(daysBefore(7))).then([expiringSoon(7, daysBefore(7))]);
    given([created(), expiringSoon(30, daysBefore(30)), expiringSoon(7, daysBefore(7))])
      .when(note(daysBefore(1)))
      .then([expiringSoon(1, daysBefore(1))]);
    given([created(), expiringSoon(30, daysBefore(30)), expiringSoon(7, daysBefore(7)), expiringSoon(1, daysBefore(1))])
      .when(note(expiry))
      .then([expired(expiry)]);
  });

  it('notices each stage once: asked again (a second instance, a replay) it says nothing', () => {
    given([created(), expiringSoon(30, daysBefore(30))]).when(note(daysBefore(30))).thenNothingHappened();
    given([created(), expiringSoon(30, daysBefore(30))]).when(note(daysBefore(8))).thenNothingHappened();
    given([created(), expiringSoon(7, daysBefore(7))]).when(note(daysBefore(2))).thenNothingHappened();
    given([created(), expired(expiry)]).when(note(new Date(expiry.getTime() + 90 * DAY))).thenNothingHappened();
  });

  it('notices only the most urgent of several due stages (a short-lived key, a processor that was down)', () => {
    given([created()]).when(note(daysBefore(5))).then([expiringSoon(7, daysBefore(5))]);
    given([created()]).when(note(daysBefore(0, -1))).then([expiringSoon(1, daysBefore(0, -1))]);
    given([created(), expiringSoon(30, daysBefore(30))]).when(note(new Date(expiry.getTime() + DAY))).then([expired(new Date(expiry.getTime() + DAY))]);
  });

  it('re-arms the notices when an edit moves the expiry', () => {
    const later = new Date(expiry.getTime() + 60 * DAY);
    const editedAt = daysBefore(6);
    given([created(), expiringSoon(30, daysBefore(30)), expiringSoon(7, daysBefore(7)), expiryMoved(later, editedAt)])
      .when(note(new Date(later.getTime() - 30 * DAY)))
      .then([expiringSoon(30, new Date(later.getTime() - 30 * DAY), later)]);
    // Moved closer, a stage already noticed for the old expiry comes again for the new one.
    const sooner = daysBefore(20);
    given([created(), expiringSoon(30, daysBefore(30)), expiryMoved(sooner, daysBefore(29))])
      .when(note(new Date(sooner.getTime() - 7 * DAY)))
      .then([expiringSoon(7, new Date(sooner.getTime() - 7 * DAY), sooner)]);
  });

  it('gives an expired key whose expiry is moved forward its notices, and its KeyExpired, again', () => {
    const later = new Date(expiry.getTime() + 10 * DAY);
    given([created(), expired(expiry), expiryMoved(later, new Date(expiry.getTime() + DAY))])
      .when(note(later))
      .then([expired(later, later)]);
  });

  it('an edit that keeps the expiry does not re-arm', () =>
    given([
      created(),
      expiringSoon(7, daysBefore(7)),
      { type: 'KeyEdited', data: { tenantId: 't1', keyId: 'k1', ownerId: 'alice', changes: { name: { before: 'ci', after: 'cd' } }, editedAt: daysBefore(6).toISOString() } },
    ])
      .when(note(daysBefore(5)))
      .thenNothingHappened());

  it('gives revoked and deleted keys no notices; a re-activated key gets the one due then', () => {
    given([created(), revoked(daysBefore(40))]).when(note(daysBefore(7))).thenNothingHappened();
    given([created(), revoked(daysBefore(40))]).when(note(expiry)).thenNothingHappened();
    given([created(), deleted(daysBefore(40))]).when(note(daysBefore(1))).thenNothingHappened();
    given([created(), revoked(daysBefore(40)), reactivated(daysBefore(10))]).when(note(daysBefore(7))).then([expiringSoon(7, daysBefore(7))]);
  });

  it('ignores an unknown key and a key of another tenant', () => {
    given().when(note(expiry)).thenNothingHappened();
    given([created()]).when(note(expiry, { kind: 'system', tenantId: 't2' })).thenNothingHappened();
  });
});

describe('nextNoticeAt (the notice view orders keys by it)', () => {
  it('is the next stage after the one noticed, none after the expiry', () => {
    const at = expiry.toISOString();
    expect(nextNoticeAt(at, undefined)).toBe(daysBefore(30).toISOString());
    expect(nextNoticeAt(at, 30)).toBe(daysBefore(7).toISOString());
    expect(nextNoticeAt(at, 7)).toBe(daysBefore(1).toISOString());
    expect(nextNoticeAt(at, 1)).toBe(at);
    expect(nextNoticeAt(at, 0)).toBeUndefined();
  });
});
