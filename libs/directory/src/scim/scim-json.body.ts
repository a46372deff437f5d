import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { SCIM_CONTENT_TYPE } from './scim.errors.js';

/**
 * SCIM clients send `application/scim+json` (RFC 7644 §3.1): parsed as JSON, with the same body
 * limit and the same refusal of a malformed body as application/json.
 */
@Injectable()
export class ScimJsonBody implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!instance || typeof instance.addContentTypeParser !== 'function' || instance.hasContentTypeParser(SCIM_CONTENT_TYPE)) return;
    instance.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, instance.getDefaultJsonParser('error', 'error'));
  }
}
