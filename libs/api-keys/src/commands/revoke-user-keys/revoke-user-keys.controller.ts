import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import { ApiErrors } from '@keystream/problem-details';
import { InvalidRequestError, type UserCaller } from '../../domain/index.js';
import { CorrelationId } from '../../http/request-context.js';
import { RevokeUserKeysCommand } from './revoke-user-keys.command.js';
import { RevokeUserKeysRequest, RevokeUserKeysResponse } from './revoke-user-keys.request.dto.js';

const USER_UID = /^[^\u0000-\u001f\u007f]{1,256}$/;

/** Offboarding by hand: a tenant admin revokes every active key of one user (Keystream extension). */
@ApiTags('users')
@Controller('v1/users')
export class RevokeUserKeysController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':userUid/apiKeys/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: "Revoke every active key of a user of the caller's tenant (tenant admins); dryRun counts them first",
    description: 'Each key gets its own KeyRevoked event with reason `owner-keys-revoked`. Repeating the call revokes nothing twice.',
  })
  @ApiParam({ name: 'userUid' })
  @ApiOkResponse({ type: RevokeUserKeysResponse })
  @ApiErrors(400, 401, 403, 413, 503)
  async revoke(
    @CurrentCaller() caller: UserCaller,
    @Param('userUid') userUid: string,
    @Body() body: RevokeUserKeysRequest,
    @CorrelationId() correlationId: string,
  ): Promise<RevokeUserKeysResponse> {
    if (!USER_UID.test(userUid)) throw new InvalidRequestError([{ field: 'userUid', message: 'must be 1 to 256 characters without control characters' }]);
    const dryRun = body?.dryRun === true;
    const result = await this.commandBus.execute(new RevokeUserKeysCommand(caller, userUid, dryRun, correlationId));
    return { ...result, dryRun };
  }
}
