import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { SCIM_CONTENT_TYPE, SCIM_ERROR_SCHEMA } from './scim.errors.js';

const SCIM_PATH = /^\/scim\/v2(\/|\?|$)/;

/**
 * SCIM at the HTTP edge. Clients send `application/scim+json` (RFC 7644 §3.1): parsed as JSON with
 * the same limits as application/json. And a refusal made before a SCIM route runs (a malformed
 * body, 413, 415, the per-IP 429, a 503 while draining) is answered in SCIM's error schema too:
 * the problem document the edge wrote is restated as a SCIM error, with the same status and headers.
 */
@Injectable()
export class ScimJsonBody implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!instance || typeof instance.addContentTypeParser !== 'function' || instance.hasContentTypeParser(SCIM_CONTENT_TYPE)) return;
    instance.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, instance.getDefaultJsonParser('error', 'error'));
    instance.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode < 400 || !SCIM_PATH.test(request.url) || typeof payload !== 'string') return payload;
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith(SCIM_CONTENT_TYPE)) return payload;
      let detail = 'The request was refused';
      try {
        const problem = JSON.parse(payload) as { detail?: unknown };
        if (typeof problem.detail === 'string') detail = problem.detail;
      } catch {
        // not a problem document: keep the generic detail
      }
      reply.header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`);
      const scimType = reply.statusCode === 400 ? { scimType: 'invalidSyntax' } : {};
      return JSON.stringify({ schemas: [SCIM_ERROR_SCHEMA], status: String(reply.statusCode), ...scimType, detail });
    });
  }
}
