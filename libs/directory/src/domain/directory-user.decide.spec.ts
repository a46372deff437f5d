import { describe, expect, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import type { DirectoryUserCommand, UserAttributes } from './directory-user.commands.js';
import { decide } from './directory-user.decide.js';
import { type DirectoryUserEvent, type DirectoryUserProvisioned, endsAccess } from './directory-user.events.js';
import { evolve, initialState } from './directory-user.state.js';

const given = DeciderSpecification.for<DirectoryUserCommand, DirectoryUserEvent, ReturnType<typeof initialState>>({ decide, evolve, initialState });

const now = new Date('2026-12-03T10:00:00.000Z');
const at = now.toISOString();
const ids = { tenantId: 't1', userId: 'u1', userName: 'alice@example.com' };
const profile = { name: { givenName: 'Alice', familyName: 'Liddell' } };
const attributes = (overrides: Partial<UserAttributes> = {}): UserAttributes => ({ userName: ids.userName, externalId: 'okta-1', active: true, profile, ...overrides });

const provisioned = (active = true): DirectoryUserProvisioned => ({
  type: 'DirectoryUserProvisioned',
  data: { ...ids, externalId: 'okta-1', active, profile, provisionedAt: '2026-12-01T00:00:00.000Z' },
});
const deactivated: DirectoryUserEvent = { type: 'DirectoryUserDeactivated', data: { ...ids, deactivatedAt: at } };
const granted: DirectoryUserEvent = { type: 'DirectoryUserAdminGranted', data: { ...ids, grantedAt: at } };
const deleted: DirectoryUserEvent = { type: 'DirectoryUserDeleted', data: { ...ids, deletedAt: at } };

describe('directory user decider', () => {
  describe('provisioning', () => {
    it('given no user, when provisioned, then the user exists with the attributes sent', () =>
      given([])
        .when({ type: 'ProvisionUser', tenantId: 't1', userId: 'u1', attributes: attributes(), now })
        .then([{ type: 'DirectoryUserProvisioned', data: { ...ids, externalId: 'okta-1', active: true, profile, provisionedAt: at } }]));

    it('given a user, when provisioned again under the same id, then it is a conflict', () =>
      given([provisioned()]).when({ type: 'ProvisionUser', tenantId: 't1', userId: 'u1', attributes: attributes(), now }).thenThrows('DirectoryUserExists'));

    it('a user provisioned inactive ends access like a deactivation', () => {
      expect(endsAccess(provisioned(false))).toBe(true);
      expect(endsAccess(provisioned(true))).toBe(false);
    });
  });

  describe('deactivation (PATCH active)', () => {
    it('given an active user, when set inactive, then DirectoryUserDeactivated', () =>
      given([provisioned()]).when({ type: 'SetUserActive', tenantId: 't1', userId: 'u1', active: false, now }).then([deactivated]));

    it('given an inactive user, when set inactive again (a retry), then nothing happens', () =>
      given([provisioned(), deactivated]).when({ type: 'SetUserActive', tenantId: 't1', userId: 'u1', active: false, now }).thenNothingHappened());

    it('given an inactive user, when set active, then DirectoryUserReactivated', () =>
      given([provisioned(), deactivated])
        .when({ type: 'SetUserActive', tenantId: 't1', userId: 'u1', active: true, now })
        .then([{ type: 'DirectoryUserReactivated', data: { ...ids, reactivatedAt: at } }]));

    it('deactivation and deletion end access; reactivation does not restore keys', () => {
      expect(endsAccess(deactivated)).toBe(true);
      expect(endsAccess(deleted)).toBe(true);
      expect(endsAccess({ type: 'DirectoryUserReactivated', data: { ...ids, reactivatedAt: at } })).toBe(false);
    });
  });

  describe('replace (PUT)', () => {
    it('given a user, when replaced with active false and a new name, then replaced then deactivated under the new name', () =>
      given([provisioned()])
        .when({ type: 'ReplaceUser', tenantId: 't1', userId: 'u1', attributes: attributes({ userName: 'alice@new.example', active: false }), now })
        .then([
          { type: 'DirectoryUserReplaced', data: { ...ids, userName: 'alice@new.example', previousUserName: ids.userName, externalId: 'okta-1', profile, replacedAt: at } },
          { type: 'DirectoryUserDeactivated', data: { ...ids, userName: 'alice@new.example', deactivatedAt: at } },
        ]));

    it('given a user, when replaced with the same resource, then nothing happens', () =>
      given([provisioned()]).when({ type: 'ReplaceUser', tenantId: 't1', userId: 'u1', attributes: attributes(), now }).thenNothingHappened());
  });

  describe('the tenant-admin role (group membership)', () => {
    it('given a plain user, when added to the tenant-admin group, then DirectoryUserAdminGranted', () =>
      given([provisioned()]).when({ type: 'SetTenantAdmin', tenantId: 't1', userId: 'u1', isTenantAdmin: true, now }).then([granted]));

    it('given an admin, when removed from the group, then DirectoryUserAdminRevoked', () =>
      given([provisioned(), granted])
        .when({ type: 'SetTenantAdmin', tenantId: 't1', userId: 'u1', isTenantAdmin: false, now })
        .then([{ type: 'DirectoryUserAdminRevoked', data: { ...ids, revokedAt: at } }]));

    it('given an admin, when added again, then nothing happens', () =>
      given([provisioned(), granted]).when({ type: 'SetTenantAdmin', tenantId: 't1', userId: 'u1', isTenantAdmin: true, now }).thenNothingHappened());

    it('given a plain user, when removed from the group, then nothing happens', () =>
      given([provisioned()]).when({ type: 'SetTenantAdmin', tenantId: 't1', userId: 'u1', isTenantAdmin: false, now }).thenNothingHappened());
  });

  describe('deletion and tenant isolation', () => {
    it('given a user, when deleted, then DirectoryUserDeleted; after it the user is not found', () => {
      given([provisioned()]).when({ type: 'DeleteUser', tenantId: 't1', userId: 'u1', now }).then([deleted]);
      given([provisioned(), deleted]).when({ type: 'DeleteUser', tenantId: 't1', userId: 'u1', now }).thenThrows('DirectoryUserNotFound');
      given([provisioned(), deleted]).when({ type: 'SetUserActive', tenantId: 't1', userId: 'u1', active: true, now }).thenThrows('DirectoryUserNotFound');
    });

    it('a command from another tenant does not find the user', () =>
      given([provisioned()]).when({ type: 'SetUserActive', tenantId: 't2', userId: 'u1', active: false, now }).thenThrows('DirectoryUserNotFound'));

    it('a user never provisioned is not found', () =>
      given([]).when({ type: 'SetTenantAdmin', tenantId: 't1', userId: 'u1', isTenantAdmin: true, now }).thenThrows('DirectoryUserNotFound'));
  });
});
