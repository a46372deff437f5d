import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_ACTIONS, type AuditActor, type AuditEventData } from '@keystream/audit-bus';
import type { AuditEntry } from '../audit-store.port.js';

/** One audit event as the HTTP API shows it: the CloudEvent's facts, flat, plus its chain position. */
export class AuditEventResource {
  @ApiProperty({ description: "Position in the tenant's audit chain, from 1" }) seq: number;
  @ApiProperty({ description: 'CloudEvent id (the event id in the store)' }) id: string;
  @ApiProperty({ description: 'When it happened (RFC 3339)' }) time: string;
  @ApiProperty({ example: 'io.keystream.apikey.revoked.v1' }) type: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action: string;
  @ApiProperty() keyUid: string;
  @ApiProperty() ownerUid: string;
  @ApiProperty({ description: '{ userUid, via: jwt | apiKey | system | scim, keyUid? } (scim: the identity provider, for user-* events)' }) actor: AuditActor;
  @ApiPropertyOptional({ description: 'created: the key as issued (never its value)' }) key?: AuditEventData['key'];
  @ApiPropertyOptional({ description: 'edited: each changed field, before and after' }) changes?: AuditEventData['changes'];
  @ApiPropertyOptional({ description: "policy-set: the tenant's API key policy as set (keyUid is then tenant/<tenantUid>, ownerUid empty)" }) policy?: AuditEventData['policy'];
  @ApiPropertyOptional({ description: 'expiring-soon and expired: the expiry noticed and the days before it (0: expired)' }) notice?: AuditEventData['notice'];
  @ApiPropertyOptional({ description: 'rotated: until when the value before the new one keeps working' }) rotation?: AuditEventData['rotation'];
  @ApiPropertyOptional({ description: 'user-* (the SCIM directory): { id (SCIM id), userName, externalId?, active? (user-provisioned), previousUserName? (a rename) }; keyUid is then tenant/<tenantUid>/user/<id>, ownerUid the userName' }) user?: AuditEventData['user'];
  @ApiPropertyOptional() correlationId?: string;
  @ApiPropertyOptional({ description: 'revoked: why, when not by hand (owner-deactivated: offboarded by the identity provider; owner-keys-revoked: an admin revoked all of the owner\'s keys; leaked: reported through POST /v1/apiKeys/leaked)' }) reason?: string;
  @ApiProperty({ description: "The entry's chain hash" }) hash: string;
}

export function toAuditEventResource(entry: AuditEntry): AuditEventResource {
  const { data } = entry.event;
  return {
    seq: entry.seq,
    id: entry.eventId,
    time: entry.occurredAt,
    type: entry.event.type,
    action: entry.action,
    keyUid: entry.keyUid,
    ownerUid: data.ownerUid,
    actor: data.actor,
    ...(data.key ? { key: data.key } : {}),
    ...(data.changes ? { changes: data.changes } : {}),
    ...(data.policy ? { policy: data.policy } : {}),
    ...(data.notice ? { notice: data.notice } : {}),
    ...(data.rotation ? { rotation: data.rotation } : {}),
    ...(data.user ? { user: data.user } : {}),
    ...(data.correlationId ? { correlationId: data.correlationId } : {}),
    ...(data.reason ? { reason: data.reason } : {}),
    hash: entry.hash,
  };
}
