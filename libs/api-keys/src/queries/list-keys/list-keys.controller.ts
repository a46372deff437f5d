import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';
import { ApiKeyResource } from '../api-key.resource.js';
import { type ApiKeyList, ListKeysQuery } from './list-keys.query.js';
import { ListKeysRequest } from './list-keys.request.dto.js';

class ListMeta {
  @ApiProperty({ description: 'Cursor for the next page; empty on the last page' }) continue: string;
  @ApiProperty({ description: 'Items on this page' }) count: number;
}

class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResource] }) items: ApiKeyResource[];
  @ApiProperty({ type: ListMeta }) listmeta: ListMeta;
}

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class ListKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Tenant admins list every key of the tenant; a user lists their own. Newest first.' })
  @ApiOkResponse({ type: ApiKeyListResponse })
  @ApiErrors(400, 401)
  list(@CurrentCaller() caller: UserCaller, @Query() query: ListKeysRequest): Promise<ApiKeyList> {
    return this.queryBus.execute(
      new ListKeysQuery(caller, {
        limit: query.limit ?? 100,
        cursor: query.continue,
        userUid: query.userUid,
        isActive: query.isActive,
        nameContains: query.q,
      }),
    );
  }
}
