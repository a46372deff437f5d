import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';
import { ApiExtensionsHeader, Extensions } from '../../http/extensions.js';
import { ApiKeyResource, withoutExtensions } from '../api-key.resource.js';
import { type ApiKeyList, ListKeysQuery } from './list-keys.query.js';
import { ListKeysRequest } from './list-keys.request.dto.js';

class ListMeta {
  @ApiProperty({ description: 'Cursor for the next page; empty on the last page' }) continue: string;
  @ApiProperty({ description: 'Items on this page' }) count: number;
}

class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResource] }) items: ApiKeyResource[];
  @ApiPropertyOptional({ type: ListMeta, description: '(ext) with `Keystream-Extensions: true` or a paging parameter' }) listmeta?: ListMeta;
}

const DEFAULT_PAGE = 100;
/** Page size used to gather a whole listing for a client that cannot page. */
const GATHER_PAGE = 500;

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class ListKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  /**
   * Palette's list has no paging: a client that knows only Palette's spec gets every key it may see,
   * with Palette's members only. A client that opts in to extensions, or sends `limit` or `continue`,
   * pages and gets `listmeta`.
   */
  @Get()
  @ApiOperation({ summary: 'Tenant admins list every key of the tenant; a user lists their own. Newest first.' })
  @ApiExtensionsHeader()
  @ApiOkResponse({ type: ApiKeyListResponse })
  @ApiErrors(400, 401)
  async list(@CurrentCaller() caller: UserCaller, @Query() query: ListKeysRequest, @Extensions() extensions: boolean): Promise<ApiKeyList | Pick<ApiKeyList, 'items'>> {
    const page = (limit: number, cursor: string | undefined) =>
      this.queryBus.execute(
        new ListKeysQuery(caller, { limit, cursor, userUid: query.userUid, isActive: query.isActive, nameContains: query.q, unusedForDays: query.unusedForDays }),
      );
    if (extensions || query.limit !== undefined || query.continue !== undefined) return page(query.limit ?? DEFAULT_PAGE, query.continue);
    const items: ApiKeyResource[] = [];
    let cursor: string | undefined;
    do {
      const { items: more, listmeta } = await page(GATHER_PAGE, cursor);
      items.push(...more.map(withoutExtensions));
      cursor = listmeta.continue || undefined;
    } while (cursor);
    return { items };
  }
}
