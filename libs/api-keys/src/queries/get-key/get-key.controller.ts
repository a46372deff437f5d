import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { ApiErrors } from '@keystream/problem-details';
import { ApiExtensionsHeader, Extensions } from '../../http/extensions.js';
import { KeyUid } from '../../http/request-context.js';
import { ApiKeyResource, etagFor, withoutExtensions } from '../api-key.resource.js';
import { GetKeyQuery } from './get-key.query.js';

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class GetKeyController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':uid')
  @ApiOperation({ summary: 'One key (never its value); the ETag is its version, for If-Match' })
  @ApiParam({ name: 'uid' })
  @ApiExtensionsHeader()
  @ApiOkResponse({ type: ApiKeyResource })
  @ApiErrors(401, 404)
  async get(
    @CurrentCaller() caller: UserCaller,
    @KeyUid() keyId: string,
    @Extensions() extensions: boolean,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApiKeyResource> {
    const { resource, revision } = await this.queryBus.execute(new GetKeyQuery(caller, keyId));
    reply.header('etag', etagFor(revision));
    return extensions ? resource : withoutExtensions(resource);
  }
}
