import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@keystream/problem-details';
import { type AuthenticatedCaller, CurrentCaller } from '@keystream/tenancy';
import { parseRfc3339 } from '@keystream/validation';
import type { AuditAction } from '@keystream/audit-bus';
import { AUDIT_STORE, type AuditStore } from '../audit-store.port.js';
import { AuditEventResource, toAuditEventResource } from './audit-event.resource.js';
import { AuditEventsRequest } from './audit-events.request.dto.js';
import { AuditInvalidRequestError } from './audit.errors.js';

class AuditListMeta {
  @ApiProperty({ description: 'Cursor for the next (older) page; empty on the last page' }) continue: string;
  @ApiProperty({ description: 'Items on this page' }) count: number;
}

export class AuditEventList {
  @ApiProperty({ type: [AuditEventResource] }) items: AuditEventResource[];
  @ApiProperty({ type: AuditListMeta }) listmeta: AuditListMeta;
}

/**
 * The actions of a key's own life: what its owner sees of their keys. A tenant's own events
 * (`policy-set`) and any event type added later stay admin-only until they are listed here.
 */
export const OWNER_VISIBLE_ACTIONS = ['created', 'edited', 'revoked', 'reactivated', 'deleted', 'rotated', 'expiring-soon', 'expired', 'leak-reported'] as const satisfies readonly AuditAction[];

/**
 * A tenant admin reads the tenant's audit trail, newest first; any other user the events of the keys
 * they own (the owner as the event names it), whoever did them. The tenant always comes from the caller.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditEventsController {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  @Get('events')
  @ApiOperation({
    summary: "The tenant's audit events, newest first; a user who is not a tenant admin gets the events of their own keys only",
    description:
      'A tenant admin reads every event of the tenant. Any other caller reads only the events of the keys they own (created, edited, revoked incl. reason, ' +
      'reactivated, deleted, rotated, expiring-soon, expired, leak-reported), whoever did them; the filters then narrow that set. Never another tenant\'s events.',
  })
  @ApiOkResponse({ type: AuditEventList })
  @ApiErrors(400, 401)
  async list(@CurrentCaller() caller: AuthenticatedCaller, @Query() query: AuditEventsRequest): Promise<AuditEventList> {
    const limit = query.limit ?? 100;
    const page = await this.store.query({
      tenantId: caller.tenantId,
      ...(caller.isTenantAdmin ? {} : { ownerUid: caller.userId, actions: OWNER_VISIBLE_ACTIONS }),
      keyUid: query.keyUid,
      actorUid: query.actorUid,
      action: query.action,
      from: query.from === undefined ? undefined : normalizeTime(query.from),
      to: query.to === undefined ? undefined : normalizeTime(query.to),
      limit,
      beforeSeq: query.continue === undefined ? undefined : decodeCursor(query.continue),
    });
    return {
      items: page.entries.map(toAuditEventResource),
      listmeta: { continue: page.nextBeforeSeq === undefined ? '' : encodeCursor(page.nextBeforeSeq), count: page.entries.length },
    };
  }
}

// Stored times are RFC 3339 UTC with milliseconds and compare as text; so must the bounds.
// The DTO has checked the text with the same parser, so it parses here.
const normalizeTime = (text: string): string => parseRfc3339(text)!.toISOString();

export const encodeCursor = (beforeSeq: number): string => Buffer.from(JSON.stringify({ before: beforeSeq })).toString('base64url');

export function decodeCursor(text: string): number {
  try {
    const { before } = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { before?: unknown };
    if (Number.isSafeInteger(before) && (before as number) > 0) return before as number;
  } catch {
    // falls through to the refusal below
  }
  throw new AuditInvalidRequestError([{ field: 'continue', message: 'must be a cursor returned by a previous page' }]);
}
