import { Body, Controller, HttpCode, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller } from '@keystream/tenancy';
import { type UserCaller, isZeroTime } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';
import { parseRfc3339 } from '@keystream/validation';
import { CorrelationId, ExpectedRevision, KeyUid } from '../../http/request-context.js';
import { etagFor } from '../../queries/api-key.resource.js';
import { customAnnotations, customLabels } from '../key-fields.dto.js';
import { EditKeyCommand } from './edit-key.command.js';
import { EditKeyRequest } from './edit-key.request.dto.js';

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class EditKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':uid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Edit a key’s name, description, expiry, annotations and labels (maps given replace the stored ones)' })
  @ApiParam({ name: 'uid' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from GET; a stale one answers 412' })
  @ApiNoContentResponse({ description: 'Edited (or nothing to change)' })
  @ApiErrors(400, 401, 404, 409, 412, 413)
  async edit(
    @CurrentCaller() caller: UserCaller,
    @KeyUid() keyId: string,
    @Body() body: EditKeyRequest,
    @ExpectedRevision() expectedRevision: bigint | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const expiry = body.spec?.expiry === undefined ? undefined : parseRfc3339(body.spec.expiry);
    const result = await this.commandBus.execute(
      new EditKeyCommand(
        caller,
        keyId,
        {
          name: body.metadata.name,
          description: body.metadata.annotations?.description,
          annotations: customAnnotations(body.metadata.annotations),
          labels: customLabels(body.metadata.labels),
          expiresAt: expiry && !isZeroTime(expiry) ? expiry : undefined,
          ownerId: body.spec?.userUid,
        },
        expectedRevision,
        correlationId,
      ),
    );
    reply.header('etag', etagFor(result.revision));
  }
}
