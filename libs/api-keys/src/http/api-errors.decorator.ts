import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'InvalidRequest (errors[] names each field) or ApiKeyOwnerImmutable',
  401: 'Unauthorized: missing, invalid, revoked, expired or deleted credentials',
  403: 'Forbidden',
  404: 'ResourceNotFound: no such key, or not visible to the caller',
  409: 'ApiKeyLimitReached, ApiKeyExpired or ConcurrencyConflict',
  412: 'PreconditionFailed: If-Match names an older version',
  413: 'PayloadTooLarge: body over 64 KiB',
};

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'message'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'Stable, Palette-style error code' },
    message: { type: 'string', description: 'Same as detail (Palette clients read this)' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Documents the RFC 9457 problem responses a route can give. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } }),
    ),
  );
