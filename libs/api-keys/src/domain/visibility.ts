import { type Caller, isTenantAdmin } from './caller.js';

/** What visibility needs to know of a key, whether it comes from the key's stream or from a view. */
export interface KeyOwnership {
  tenantId: string;
  ownerId: string;
}

/**
 * Who may see a key, and so act on it: the system and the admins of its tenant, and its owner.
 * Everyone else is told it does not exist (404), so neither its existence nor its tenant leaks.
 * The decider, the get query and the list query all ask this, so the rule is written once.
 */
export const canSee = (caller: Caller, key: KeyOwnership): boolean =>
  key.tenantId === caller.tenantId && (isTenantAdmin(caller) || (caller.kind === 'user' && key.ownerId === caller.userId));

/**
 * The owner filter for a listing in the caller's tenant: a tenant admin lists every owner's keys
 * (or the one owner asked for), anyone else only their own. Undefined when the owner asked for is
 * one whose keys the caller cannot see: the answer is then an empty list, not an error.
 */
export const visibleOwners = (caller: Caller, requestedOwnerId?: string): { ownerId?: string } | undefined => {
  if (requestedOwnerId !== undefined) {
    return canSee(caller, { tenantId: caller.tenantId, ownerId: requestedOwnerId }) ? { ownerId: requestedOwnerId } : undefined;
  }
  return isTenantAdmin(caller) || caller.kind !== 'user' ? {} : { ownerId: caller.userId };
};
