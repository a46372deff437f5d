import type { ApiKeyEvent, KeyScope } from './api-key.events.js';
import type { NoticeStage } from './expiry-notices.js';
import type { StringMap } from './key-metadata.js';

export type ApiKeyState =
  | { status: 'absent' }
  | {
      status: 'active' | 'revoked' | 'deleted';
      tenantId: string;
      keyId: string;
      ownerId: string;
      name: string;
      description: string;
      annotations: StringMap;
      labels: StringMap;
      scope: KeyScope;
      expiresAt: string;
      /** The most urgent expiry notice recorded for the current `expiresAt` (expiry-notices.ts). */
      noticed?: NoticeStage;
      /** Reported leaked: its value is known to others, so it is not re-activated until a rotation replaces that value. */
      leaked?: boolean;
    };

export const initialState = (): ApiKeyState => ({ status: 'absent' });

export const evolve = (state: ApiKeyState, event: ApiKeyEvent): ApiKeyState => {
  switch (event.type) {
    case 'KeyCreated': {
      const { tenantId, keyId, ownerId, name, description, annotations, labels, scope, expiresAt } = event.data;
      return { status: 'active', tenantId, keyId, ownerId, name, description, annotations, labels, scope, expiresAt };
    }
    case 'KeyEdited': {
      if (state.status === 'absent') return state;
      const { name, description, expiresAt, annotations, labels } = event.data.changes;
      return {
        ...state,
        name: name?.after ?? state.name,
        description: description?.after ?? state.description,
        expiresAt: expiresAt?.after ?? state.expiresAt,
        annotations: annotations?.after ?? state.annotations,
        labels: labels?.after ?? state.labels,
        // A moved expiry re-arms its notices.
        noticed: expiresAt ? undefined : state.noticed,
      };
    }
    case 'KeyRevoked':
      return state.status === 'absent' ? state : { ...state, status: 'revoked' };
    case 'KeyReactivated':
      return state.status === 'absent' ? state : { ...state, status: 'active' };
    case 'KeyDeleted':
      return state.status === 'absent' ? state : { ...state, status: 'deleted' };
    case 'KeyExpiringSoon':
      return state.status === 'absent' ? state : { ...state, noticed: event.data.daysBefore };
    case 'KeyExpired':
      return state.status === 'absent' ? state : { ...state, noticed: 0 };
    case 'KeyLeakReported':
      return state.status === 'absent' ? state : { ...state, leaked: true };
    case 'KeyRotated':
      // Which values verify is the verification view's business. A revoked key is rotated only
      // without a grace, so the leaked value is gone: the key may be re-activated with its new one.
      return state.status === 'revoked' && state.leaked ? { ...state, leaked: false } : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
