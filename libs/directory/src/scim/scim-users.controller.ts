import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@keystream/tenancy';
import { DirectoryCommandRunner } from '../application/directory-command-runner.js';
import type { UserAttributes } from '../domain/index.js';
import { DIRECTORY_USER_QUERIES, type DirectoryUserQueries } from '../views/directory-users/directory-users.queries.js';
import type { DirectoryUserRow } from '../views/directory-users/directory-user.row.js';
import { ScimAuthGuard, ScimTenant } from './scim-auth.guard.js';
import { ScimErrorFilter } from './scim-error.filter.js';
import { ScimIdPipe } from './scim-id.pipe.js';
import { SCIM_CONTENT_TYPE, ScimError, notFound } from './scim.errors.js';
import { SCIM_BASE, listResponse, toScimUser, toUserDocument } from './scim-user.resource.js';
import { applyUserPatch, parsePatch, parseUserResource } from './scim-user.schema.js';
import { parseFilter } from './scim-filter.js';

/** ServiceProviderConfig's filter.maxResults: a page holds at most this many users. */
export const MAX_COUNT = 200;
/** What GET /Users filters on (ServiceProviderConfig says filter supported). */
const USER_FILTERS = { userName: ['eq', 'co', 'sw'], externalId: ['eq'], id: ['eq'] } as const;
const SCIM_ID = /^[A-Za-z0-9-]{1,64}$/;

/** SCIM 2.0 Users (RFC 7644 §3): what Okta and Entra ID provision with. Public to the AuthGuard: the SCIM bearer token is checked instead. */
@ApiTags('scim')
@ApiBearerAuth('scim')
@Public()
@UseGuards(ScimAuthGuard)
@UseFilters(ScimErrorFilter)
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(
    private readonly runner: DirectoryCommandRunner,
    @Inject(DIRECTORY_USER_QUERIES) private readonly users: DirectoryUserQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Provision a user (SCIM create)', description: 'Body: a SCIM User (application/scim+json or application/json). userName is the Keystream user uid (the JWT `sub`).' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiResponse({ status: 201, description: 'The user as SCIM returns it' })
  @ApiResponse({ status: 409, description: 'scimType uniqueness: userName taken' })
  async create(@ScimTenant() tenantId: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const attributes = parseUserResource(body);
    await this.requireFreeUserName(tenantId, attributes.userName);
    const userId = randomUUID();
    await this.runner.run(tenantId, userId, (now) => ({ type: 'ProvisionUser', tenantId, userId, attributes, now }), correlation());
    const row = await this.mustGet(tenantId, userId);
    reply.header('location', `${SCIM_BASE}/Users/${userId}`);
    return this.send(reply, toScimUser(row));
  }

  @Get()
  @ApiOperation({ summary: 'List or find users: filter=userName eq|sw|co "...", externalId eq, id eq, joined by and; startIndex, count (at most 200)' })
  @ApiQuery({ name: 'filter', required: false })
  @ApiQuery({ name: 'startIndex', required: false })
  @ApiQuery({ name: 'count', required: false })
  async list(@ScimTenant() tenantId: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const filter = parseFilter(single(query.filter, 'filter'), USER_FILTERS);
    const startIndex = Math.max(1, integer(query.startIndex, 1));
    const count = Math.min(MAX_COUNT, Math.max(0, integer(query.count, 100)));
    const { rows, total } = await this.users.listUsers(tenantId, { filter, startIndex, count });
    return this.send(reply, listResponse(rows.map(toScimUser), total, startIndex));
  }

  @Get(':id')
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Get a user' })
  async get(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, toScimUser(await this.mustGet(tenantId, id)));
  }

  @Put(':id')
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOperation({ summary: 'Replace a user; active false deactivates (every key of the user is then revoked)' })
  async replace(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const current = await this.mustGet(tenantId, id);
    const attributes = parseUserResource(body);
    return this.send(reply, toScimUser(await this.write(tenantId, current, attributes)));
  }

  @Patch(':id')
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOperation({
    summary: 'Patch a user (PatchOp): Okta\'s {"op":"replace","value":{"active":false}} and Entra ID\'s {"op":"Replace","path":"active","value":"False"} deactivate',
  })
  async patch(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const operations = parsePatch(body);
    const current = await this.mustGet(tenantId, id);
    const attributes = applyUserPatch(toUserDocument(current), operations);
    return this.send(reply, toScimUser(await this.write(tenantId, current, attributes)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Delete a user (every key of the user is then revoked)' })
  async remove(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string): Promise<void> {
    await this.mustGet(tenantId, id);
    await this.runner.run(tenantId, id, (now) => ({ type: 'DeleteUser', tenantId, userId: id, now }), correlation());
  }

  private async write(tenantId: string, current: DirectoryUserRow, attributes: UserAttributes): Promise<DirectoryUserRow> {
    if (attributes.userName.toLowerCase() !== current.userName.toLowerCase()) await this.requireFreeUserName(tenantId, attributes.userName, current.userId);
    const userId = current.userId;
    await this.runner.run(tenantId, userId, (now) => ({ type: 'ReplaceUser', tenantId, userId, attributes, now }), correlation());
    return this.mustGet(tenantId, userId);
  }

  /** Taken: a live user holds it, or it is another user's former name (whose keys it owned; a user may take back their own). */
  private async requireFreeUserName(tenantId: string, userName: string, renaming?: string): Promise<void> {
    const rows = await this.users.findByUserName(tenantId, userName);
    if (rows.some((row) => !row.deleted || (row.formerName && row.userId !== renaming))) throw new ScimError(409, 'userName is already taken in this tenant', 'uniqueness');
  }

  private async mustGet(tenantId: string, id: string): Promise<DirectoryUserRow> {
    const row = SCIM_ID.test(id) ? await this.users.getUser(tenantId, id) : undefined;
    if (!row) throw notFound(`User ${id}`);
    return row;
  }

  private send<T>(reply: FastifyReply, body: T): T {
    reply.header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`);
    return body;
  }
}

export const correlation = (): string => randomUUID();

export const single = (value: unknown, name: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ScimError(400, `${name} must be given once`, 'invalidSyntax');
  return value;
};

const integer = (value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(parsed)) throw new ScimError(400, 'startIndex and count must be integers', 'invalidValue');
  return parsed;
};

