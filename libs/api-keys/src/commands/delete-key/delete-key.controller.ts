import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';
import { CorrelationId, ExpectedRevision, KeyUid } from '../../http/request-context.js';
import { DeleteKeyCommand } from './delete-key.command.js';

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class DeleteKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':uid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a key; it stops working at once and no longer counts toward the limit' })
  @ApiParam({ name: 'uid' })
  @ApiNoContentResponse()
  @ApiErrors(401, 404, 412)
  async delete(
    @CurrentCaller() caller: UserCaller,
    @KeyUid() keyId: string,
    @ExpectedRevision() expectedRevision: bigint | undefined,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.commandBus.execute(new DeleteKeyCommand(caller, keyId, expectedRevision, correlationId));
  }
}
