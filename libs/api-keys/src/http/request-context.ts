import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isKeyId } from '@keystream/secrets';
import { KeyNotFoundError } from '../domain/index.js';
import { PreconditionFailedError } from '../application/application.errors.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `X-Correlation-Id` when it is sane, else the request id Fastify generated. */
export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : String(request.id);
});

/** `If-Match: "3"` as an expected revision; `*` or no header means "whatever it is now". */
export const ExpectedRevision = createParamDecorator((_: unknown, context: ExecutionContext): bigint | undefined => {
  const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,18})"\s*$/.exec(header);
  // An ETag we never issued can never match.
  if (!match) throw new PreconditionFailedError();
  return BigInt(match[1]!);
});

/** The `{uid}` path parameter; a uid that cannot exist is simply not found. */
export const KeyUid = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const uid = (context.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>)['uid'] ?? '';
  if (!isKeyId(uid)) throw new KeyNotFoundError('');
  return uid;
});
