import type { ApiKeyResource, AuditEventResource } from './api/client';
import { DAY_MS, formatDateTime } from './format';

/** The first expiry notice comes 30 days before (README, "Expiry notices"): the console warns from then on too. */
export const EXPIRES_SOON_DAYS = 30;

export interface KeyNotice {
  kind: 'leaked' | 'expired' | 'expires-soon';
  tone: 'bad' | 'warn';
  title: string;
  text: string;
}

type Notice = { expiry?: string; daysBefore?: number };

export const actorOf = (event: AuditEventResource): string => {
  const actor = event.actor as { uid?: string; userUid?: string; id?: string };
  return actor.uid ?? actor.userUid ?? actor.id ?? JSON.stringify(event.actor);
};

/** A directory (SCIM) user as the audit trail names them (user-* events). */
type DirectoryUser = { id?: string; userName?: string; active?: boolean; previousUserName?: string };

/** The directory's actions (io.keystream.directory.user-*): their subject is a user, not a key. */
export const isDirectoryAction = (action: string): boolean => action.startsWith('user-');

/** What an audit event is about: the key's id, the tenant's policy, or the directory user (never a raw `tenant/.../user/...` path). */
export const subjectOf = (event: AuditEventResource): string => {
  if (isDirectoryAction(event.action)) {
    const user = event.user as DirectoryUser | undefined;
    const name = user?.userName ?? event.ownerUid;
    return user?.id ? `user ${name} (SCIM id ${user.id})` : `user ${name}`;
  }
  if (event.action === 'policy-set') return 'tenant key policy';
  return event.keyUid;
};

/** One line on what an audit event says beyond its action (never a key value: the trail has none). */
export const eventDetails = (event: AuditEventResource): string => {
  const notice = event.notice as Notice | undefined;
  const rotation = event.rotation as { graceEndsAt?: string } | undefined;
  switch (event.action) {
    case 'revoked':
      return event.reason === 'leaked' ? 'reason: reported leaked' : event.reason ? `reason: ${event.reason}` : '';
    case 'leak-reported':
      return 'its value was reported as leaked';
    case 'expiring-soon':
      return notice?.expiry ? `expires ${formatDateTime(notice.expiry)} (${notice.daysBefore} day notice)` : '';
    case 'expired':
      return notice?.expiry ? `expired ${formatDateTime(notice.expiry)}` : '';
    case 'rotated':
      return rotation?.graceEndsAt ? `previous value works until ${formatDateTime(rotation.graceEndsAt)}` : '';
    case 'edited':
      return event.changes ? `changed: ${Object.keys(event.changes).join(', ')}` : '';
    case 'user-provisioned':
      return (event.user as DirectoryUser | undefined)?.active === false ? 'provisioned inactive' : '';
    case 'user-replaced': {
      const previous = (event.user as DirectoryUser | undefined)?.previousUserName;
      return previous ? `renamed from ${previous}` : '';
    }
    case 'user-deactivated':
      return 'offboarded by the identity provider';
    default:
      return '';
  }
};

/**
 * What the key's page warns about, most serious first: a leak report (from the audit trail), expiry
 * (from the key's status or a KeyExpired notice for its current expiry), and an expiry within 30 days
 * (from the expiry itself or a KeyExpiringSoon notice for it).
 */
export function keyNotices(key: ApiKeyResource, history: readonly AuditEventResource[], now = Date.now()): KeyNotice[] {
  const notices: KeyNotice[] = [];
  const leak = history.find((event) => event.action === 'leak-reported' || (event.action === 'revoked' && event.reason === 'leaked'));
  if (leak) {
    notices.push({
      kind: 'leaked',
      tone: 'bad',
      title: 'Reported leaked.',
      text: `Its value was reported as leaked on ${formatDateTime(leak.time)} and the key was revoked; it cannot be re-activated with that value. Create a new key, or rotate this one.`,
    });
  }
  const expiry = key.spec.expiry;
  const noticed = (action: string) => history.find((event) => event.action === action && (event.notice as Notice | undefined)?.expiry === expiry);
  const left = new Date(expiry).getTime() - now;
  if (key.status.expired || left <= 0 || noticed('expired')) {
    notices.push({ kind: 'expired', tone: 'bad', title: 'Expired.', text: `It expired on ${formatDateTime(expiry)}; requests with it are refused. Set a new expiry to use it again.` });
  } else if (left <= EXPIRES_SOON_DAYS * DAY_MS || noticed('expiring-soon')) {
    const days = Math.ceil(left / DAY_MS);
    notices.push({ kind: 'expires-soon', tone: 'warn', title: 'Expires soon.', text: `It expires on ${formatDateTime(expiry)} (${days === 1 ? 'in 1 day' : `in ${days} days`}).` });
  }
  return notices;
}
