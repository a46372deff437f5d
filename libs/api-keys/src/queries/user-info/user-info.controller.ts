import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import { type UserCaller, isTenantAdmin } from '../../domain/index.js';
import { ApiExtensionsHeader, Extensions } from '../../http/extensions.js';
import { ApiErrors } from '@keystream/problem-details';

/** Palette's `v1UserInfo`. */
export class UserInfoResource {
  @ApiProperty() userUid: string;
  @ApiProperty() tenantUid: string;
  @ApiProperty({ description: 'Keystream has no organisation names: the tenant uid' }) orgName: string;
  @ApiPropertyOptional({
    enum: ['tenant-admin', 'user'],
    description:
      "(ext) the caller's effective role: what the API lets them do now (a key acts with its owner's role; a directory caps a token's); only with `Keystream-Extensions: true`",
  })
  role?: 'tenant-admin' | 'user';
}

/**
 * Who the caller is, as Palette answers it. Palette's Go SDK calls this before it creates a key, to
 * learn the tenant uid. A key answers for its owner. Reads nothing: the guard already resolved the caller
 * (its role included, capped by the directory where one governs the tenant).
 */
@ApiTags('users')
@Controller('v1/users')
export class UserInfoController {
  @Get('info')
  @ApiOperation({ summary: 'The calling user and their tenant' })
  @ApiOkResponse({ type: UserInfoResource })
  @ApiExtensionsHeader()
  @ApiErrors(401)
  info(@CurrentCaller() caller: UserCaller, @Extensions() extensions: boolean): UserInfoResource {
    const info = { userUid: caller.userId, tenantUid: caller.tenantId, orgName: caller.tenantId };
    // The same test every admin-only route makes, so the console's menus match what the API allows.
    return extensions ? { ...info, role: isTenantAdmin(caller) ? 'tenant-admin' : 'user' } : info;
  }
}
