import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { isObject } from '@keystream/api-keys';
import { Public } from '@keystream/tenancy';
import { DirectoryCommandRunner } from '../application/directory-command-runner.js';
import { DirectoryUserNotFoundError } from '../domain/index.js';
import { DIRECTORY_USER_QUERIES, type DirectoryUserQueries } from '../views/directory-users/directory-users.queries.js';
import { ScimAuthGuard, ScimTenant } from './scim-auth.guard.js';
import { ScimErrorFilter } from './scim-error.filter.js';
import { ScimIdPipe } from './scim-id.pipe.js';
import { SCIM_CONTENT_TYPE, ScimError, invalidPath, invalidSyntax, invalidValue, notFound } from './scim.errors.js';
import { GROUP_SCHEMA, SCIM_BASE, listResponse } from './scim-user.resource.js';
import { type PatchOperation, parsePatch } from './scim-user.schema.js';
import { parseFilter } from './scim-filter.js';
import { correlation, single } from './scim-users.controller.js';

/** The one group Keystream exposes: its members are the tenant's admins. */
export const ADMIN_GROUP = 'tenant-admin';

/**
 * SCIM 2.0 Groups, reduced to what Keystream acts on: one group per tenant, `tenant-admin`, whose
 * membership is the tenant-admin role. Okta's group push and Entra ID's group provisioning find it
 * by `displayName eq "tenant-admin"`, then add and remove members with PATCH.
 */
@ApiTags('scim')
@ApiBearerAuth('scim')
@Public()
@UseGuards(ScimAuthGuard)
@UseFilters(ScimErrorFilter)
@Controller('scim/v2/Groups')
export class ScimGroupsController {
  constructor(
    private readonly runner: DirectoryCommandRunner,
    @Inject(DIRECTORY_USER_QUERIES) private readonly users: DirectoryUserQueries,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List groups: only tenant-admin; filter=displayName eq "tenant-admin" (or id eq, joined by and)' })
  async list(@ScimTenant() tenantId: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const filter = parseFilter(single(query.filter, 'filter'), { displayName: ['eq'], id: ['eq'] } as const);
    // displayName is caseExact false (RFC 7643 §4.2), id caseExact.
    const matches = filter.every((clause) => (clause.attribute === 'id' ? clause.value === ADMIN_GROUP : clause.value.toLowerCase() === ADMIN_GROUP));
    const groups = matches ? [await this.group(tenantId, excludesMembers(query))] : [];
    return send(reply, listResponse(groups, groups.length, 1));
  }

  @Get(':id')
  @ApiParam({ name: 'id' })
  async get(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    requireAdminGroup(id);
    return send(reply, await this.group(tenantId, excludesMembers(query)));
  }

  @Post()
  @HttpCode(201)
  @ApiBody({ schema: { type: 'object' } })
  @ApiOperation({ summary: 'Create (link) the tenant-admin group; its members become tenant admins. Other names are refused.' })
  async create(@ScimTenant() tenantId: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { displayName, members } = parseGroup(body);
    if (displayName !== ADMIN_GROUP) throw invalidValue(`Keystream has one group, "${ADMIN_GROUP}"; "${displayName}" is not provisioned`);
    await this.addMembers(tenantId, members ?? []);
    reply.header('location', `${SCIM_BASE}/Groups/${ADMIN_GROUP}`);
    return send(reply, await this.group(tenantId, false));
  }

  @Put(':id')
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOperation({ summary: 'Replace the members of the tenant-admin group' })
  async replace(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    requireAdminGroup(id);
    const { displayName, members } = parseGroup(body);
    if (displayName !== ADMIN_GROUP) throw new ScimError(400, 'The group cannot be renamed', 'mutability');
    await this.setMembers(tenantId, members ?? []);
    return send(reply, await this.group(tenantId, false));
  }

  @Patch(':id')
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOperation({ summary: 'Add or remove members of the tenant-admin group (PatchOp)' })
  async patch(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    requireAdminGroup(id);
    const operations = parsePatch(body);
    // Every member named must exist before anything is written: no partial membership change.
    const plan = operations.map(planOf);
    await this.requireUsers(tenantId, plan.flatMap((step) => (step.kind === 'add' || step.kind === 'set' ? step.ids : [])));
    for (const step of plan) {
      if (step.kind === 'add') await this.addMembers(tenantId, step.ids);
      else if (step.kind === 'remove') await this.setAdmin(tenantId, step.ids, false);
      else if (step.kind === 'removeAll') await this.setMembers(tenantId, []);
      else if (step.kind === 'set') await this.setMembers(tenantId, step.ids);
    }
    return send(reply, await this.group(tenantId, false));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Unlink the tenant-admin group: every member loses the tenant-admin role' })
  async remove(@ScimTenant() tenantId: string, @Param('id', ScimIdPipe) id: string): Promise<void> {
    requireAdminGroup(id);
    await this.setMembers(tenantId, []);
  }

  private async group(tenantId: string, withoutMembers: boolean) {
    const admins = withoutMembers ? [] : await this.users.listAdmins(tenantId);
    return {
      schemas: [GROUP_SCHEMA],
      id: ADMIN_GROUP,
      displayName: ADMIN_GROUP,
      ...(withoutMembers ? {} : { members: admins.map((user) => ({ value: user.userId, display: user.userName, $ref: `${SCIM_BASE}/Users/${user.userId}` })) }),
      meta: { resourceType: 'Group', location: `${SCIM_BASE}/Groups/${ADMIN_GROUP}` },
    };
  }

  private async requireUsers(tenantId: string, ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      if (!(await this.users.getUser(tenantId, id))) throw invalidValue(`No user ${id} in this tenant's directory`);
    }
  }

  private async addMembers(tenantId: string, ids: readonly string[]): Promise<void> {
    await this.requireUsers(tenantId, ids);
    await this.setAdmin(tenantId, ids, true);
  }

  private async setMembers(tenantId: string, ids: readonly string[]): Promise<void> {
    await this.requireUsers(tenantId, ids);
    const wanted = new Set(ids);
    const current = await this.users.listAdmins(tenantId);
    await this.setAdmin(tenantId, current.map((user) => user.userId).filter((id) => !wanted.has(id)), false);
    await this.setAdmin(tenantId, [...wanted], true);
  }

  private async setAdmin(tenantId: string, ids: readonly string[], isTenantAdmin: boolean): Promise<void> {
    for (const userId of new Set(ids)) {
      try {
        await this.runner.run(tenantId, userId, (now) => ({ type: 'SetTenantAdmin', tenantId, userId, isTenantAdmin, now }), correlation());
      } catch (error) {
        // Removing someone who is gone (deleted meanwhile) leaves them out of the group: done.
        if (isTenantAdmin || !(error instanceof DirectoryUserNotFoundError)) throw error;
      }
    }
  }
}

type Step = { kind: 'add' | 'remove' | 'set'; ids: string[] } | { kind: 'removeAll' | 'none'; ids: [] };

/** One PatchOp operation on the group, as Okta and Entra ID send them. */
const planOf = (operation: PatchOperation): Step => {
  const path = operation.path?.trim();
  if (path !== undefined) {
    const filtered = /^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$/i.exec(path);
    if (filtered) {
      if (operation.op !== 'remove') throw invalidPath('A filtered members path is only for remove');
      return { kind: 'remove', ids: [filtered[1]!] };
    }
    if (path.toLowerCase() === 'displayname') {
      if (operation.value !== ADMIN_GROUP) throw new ScimError(400, 'The group cannot be renamed', 'mutability');
      return { kind: 'none', ids: [] };
    }
    if (path.toLowerCase() !== 'members') throw invalidPath(`${path} is not an attribute of the Group schema Keystream keeps`);
    if (operation.op === 'remove') return operation.value === undefined ? { kind: 'removeAll', ids: [] } : { kind: 'remove', ids: memberIds(operation.value) };
    return { kind: operation.op === 'add' ? 'add' : 'set', ids: memberIds(operation.value) };
  }
  if (!isObject(operation.value)) throw invalidSyntax('A patch without a path needs an object value');
  const { members, displayName, id } = operation.value;
  if (displayName !== undefined && displayName !== ADMIN_GROUP) throw new ScimError(400, 'The group cannot be renamed', 'mutability');
  if (id !== undefined && id !== ADMIN_GROUP) throw new ScimError(400, 'id is read-only', 'mutability');
  if (members === undefined) return { kind: 'none', ids: [] };
  return { kind: operation.op === 'add' ? 'add' : 'set', ids: memberIds(members) };
};

const memberIds = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : [value];
  return list.map((member) => {
    if (!isObject(member) || typeof member.value !== 'string' || member.value === '') throw invalidValue('members must be objects with a value (a user id)');
    return member.value;
  });
};

const parseGroup = (body: unknown): { displayName: string; members?: string[] } => {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object');
  if (!Array.isArray(body.schemas) || !body.schemas.includes(GROUP_SCHEMA)) throw invalidSyntax(`schemas must list ${GROUP_SCHEMA}`);
  if (typeof body.displayName !== 'string' || body.displayName === '') throw invalidValue('displayName is required');
  return { displayName: body.displayName, members: body.members === undefined ? undefined : memberIds(body.members) };
};

const requireAdminGroup = (id: string): void => {
  if (id !== ADMIN_GROUP) throw notFound(`Group ${id}`);
};

const excludesMembers = (query: Record<string, unknown>): boolean =>
  typeof query.excludedAttributes === 'string' && query.excludedAttributes.split(',').some((name) => name.trim().toLowerCase() === 'members');

const send = <T>(reply: FastifyReply, body: T): T => {
  reply.header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`);
  return body;
};
