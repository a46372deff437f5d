import { Controller, Get, Param, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@keystream/tenancy';
import { ScimAuthGuard } from './scim-auth.guard.js';
import { ScimErrorFilter } from './scim-error.filter.js';
import { RESOURCE_TYPES, SCHEMAS, serviceProviderConfig } from './scim-discovery.js';
import { SCIM_CONTENT_TYPE, ScimError, notFound } from './scim.errors.js';
import { listResponse } from './scim-user.resource.js';
import { MAX_COUNT } from './scim-users.controller.js';

/**
 * SCIM discovery (RFC 7644 §4): what an identity provider reads to learn what Keystream supports.
 * Behind the same per-tenant bearer token as the resources (Okta and Entra ID send it on every
 * call); the documents are the same for every tenant. A filter on them answers 403, as §4 asks, so
 * no client takes an ignored filter for a matched one.
 */
@ApiTags('scim')
@ApiBearerAuth('scim')
@Public()
@UseGuards(ScimAuthGuard)
@UseFilters(ScimErrorFilter)
@Controller('scim/v2')
export class ScimDiscoveryController {
  @Get('ServiceProviderConfig')
  @ApiOperation({ summary: 'What Keystream supports of SCIM: patch, filter (maxResults 200); no bulk, sort, etag, changePassword; bearer token' })
  config(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    refuseFilter(query);
    return send(reply, serviceProviderConfig(MAX_COUNT));
  }

  @Get('ResourceTypes')
  @ApiOperation({ summary: 'The resource types: User (with the enterprise extension) and Group' })
  resourceTypes(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    refuseFilter(query);
    return send(reply, listResponse(RESOURCE_TYPES, RESOURCE_TYPES.length, 1));
  }

  @Get('ResourceTypes/:id')
  @ApiParam({ name: 'id', example: 'User' })
  resourceType(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const found = RESOURCE_TYPES.find((type) => type.id === id);
    if (!found) throw notFound(`ResourceType ${id}`);
    return send(reply, found);
  }

  @Get('Schemas')
  @ApiOperation({ summary: 'The schemas: User, EnterpriseUser and Group, with the attributes Keystream keeps' })
  schemas(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    refuseFilter(query);
    return send(reply, listResponse(SCHEMAS, SCHEMAS.length, 1));
  }

  @Get('Schemas/:id')
  @ApiParam({ name: 'id', example: 'urn:ietf:params:scim:schemas:core:2.0:User' })
  schema(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const found = SCHEMAS.find((schema) => schema.id.toLowerCase() === id.toLowerCase());
    if (!found) throw notFound(`Schema ${id}`);
    return send(reply, found);
  }
}

const refuseFilter = (query: Record<string, unknown>): void => {
  if (query.filter !== undefined) throw new ScimError(403, 'Discovery endpoints take no filter (RFC 7644 §4)');
};

const send = <T>(reply: FastifyReply, body: T): T => {
  reply.header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`);
  return body;
};
