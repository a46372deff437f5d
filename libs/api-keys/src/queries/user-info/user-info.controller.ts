import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';

/** Palette's `v1UserInfo`. */
export class UserInfoResource {
  @ApiProperty() userUid: string;
  @ApiProperty() tenantUid: string;
  @ApiProperty({ description: 'Keystream has no organisation names: the tenant uid' }) orgName: string;
}

/**
 * Who the caller is, as Palette answers it. Palette's Go SDK calls this before it creates a key, to
 * learn the tenant uid. A key answers for its owner. Reads nothing: the guard already resolved the caller.
 */
@ApiTags('users')
@Controller('v1/users')
export class UserInfoController {
  @Get('info')
  @ApiOperation({ summary: 'The calling user and their tenant' })
  @ApiOkResponse({ type: UserInfoResource })
  @ApiErrors(401)
  info(@CurrentCaller() caller: UserCaller): UserInfoResource {
    return { userUid: caller.userId, tenantUid: caller.tenantId, orgName: caller.tenantId };
  }
}
