import { Body, Controller, HttpCode, Patch, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';
import { CorrelationId, ExpectedRevision, KeyUid } from '../../http/request-context.js';
import { etagFor } from '../../queries/api-key.resource.js';
import { ChangeKeyStateCommand } from './change-key-state.command.js';
import { ChangeKeyStateRequest } from './change-key-state.request.dto.js';

/** Palette has both routes for the same thing; both are served. */
@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class ChangeKeyStateController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':uid/state')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke (isActive false) or re-activate (isActive true) a key' })
  @ApiParam({ name: 'uid' })
  @ApiNoContentResponse({ description: 'Done; revoking a revoked key or re-activating an active one changes nothing' })
  @ApiErrors(400, 401, 404, 409, 412, 413)
  putState(
    @CurrentCaller() caller: UserCaller,
    @KeyUid() keyId: string,
    @Body() body: ChangeKeyStateRequest,
    @ExpectedRevision() expectedRevision: bigint | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    return this.change(caller, keyId, body, expectedRevision, correlationId, reply);
  }

  @Patch(':uid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Same as PUT /v1/apiKeys/{uid}/state' })
  @ApiParam({ name: 'uid' })
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 404, 409, 412, 413)
  patch(
    @CurrentCaller() caller: UserCaller,
    @KeyUid() keyId: string,
    @Body() body: ChangeKeyStateRequest,
    @ExpectedRevision() expectedRevision: bigint | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    return this.change(caller, keyId, body, expectedRevision, correlationId, reply);
  }

  private async change(
    caller: UserCaller,
    keyId: string,
    body: ChangeKeyStateRequest,
    expectedRevision: bigint | undefined,
    correlationId: string,
    reply: FastifyReply,
  ): Promise<void> {
    const result = await this.commandBus.execute(
      new ChangeKeyStateCommand(caller, keyId, body?.isActive === true, expectedRevision, correlationId),
    );
    reply.header('etag', etagFor(result.revision));
  }
}
