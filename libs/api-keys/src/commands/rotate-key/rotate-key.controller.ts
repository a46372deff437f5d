import { Body, Controller, Header, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '@keystream/problem-details';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { CorrelationId, ExpectedRevision, KeyUid } from '../../http/request-context.js';
import { etagFor } from '../../queries/api-key.resource.js';
import { RotateKeyCommand } from './rotate-key.command.js';
import { RotateKeyRequest, RotateKeyResponse } from './rotate-key.request.dto.js';

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class RotateKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':uid/rotate')
  @HttpCode(200)
  // Carries a key value, as a create does: no cache on the way may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: '(ext) Give a key a new value, shown once; the current value keeps working for the grace period, then is refused',
    description:
      'Owner or tenant admin. Rotating during a grace ends the earlier grace at once (only the current and the previous value ever work). ' +
      'A revoked key may be rotated without a grace (its value is not revived when it is re-activated); an expired key cannot be rotated (409).',
  })
  @ApiParam({ name: 'uid' })
  @ApiBody({ type: RotateKeyRequest, required: false })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from GET; a stale one answers 412' })
  @ApiOkResponse({ type: RotateKeyResponse })
  @ApiErrors(400, 401, 404, 409, 412, 413)
  async rotate(
    @CurrentCaller() caller: UserCaller,
    @KeyUid() keyId: string,
    @Body() body: RotateKeyRequest,
    @ExpectedRevision() expectedRevision: bigint | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RotateKeyResponse> {
    // No body at all (a bare POST) means no grace.
    const grace = body?.gracePeriodSeconds ?? 0;
    const { uid, apiKey, previousValidUntil, revision } = await this.commandBus.execute(
      new RotateKeyCommand(caller, keyId, grace, expectedRevision, correlationId),
    );
    reply.header('etag', etagFor(revision));
    return { uid, apiKey, previousValidUntil };
  }
}
