import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { FieldError, ProblemDocument } from './to-problem.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'InvalidRequest (errors[] names each field); on a key update also ApiKeyOwnerImmutable',
  401: 'Unauthorized: missing, invalid, revoked, expired or deleted credentials',
  403: 'Forbidden',
  404: 'ResourceNotFound: no such key, or not visible to the caller',
  409: 'ApiKeyLimitReached, ApiKeyExpired, ApiKeyLeaked or ConcurrencyConflict',
  412: 'PreconditionFailed: If-Match names an older version',
  413: 'PayloadTooLarge: body over 64 KiB',
  429: 'TooManyRequests: wrong secrets used up this key id’s hashing budget; see Retry-After',
  503: 'ServiceUnavailable: a backing store is unavailable or busy, or (on create) the listing is catching up; see Retry-After',
};

/** Any route authenticated by `apiKey` can be throttled, and any route can meet a store outage. */
const EVERY_ROUTE = [429, 503];

interface PropertySchema {
  type: 'string' | 'integer' | 'array' | 'object';
  description?: string;
  items?: object;
}

/** The keys a type must have, so `required` is read off ProblemDocument rather than restated. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

// Keyed by ProblemDocument's own members: a member added to, or made optional in, the type fails
// to compile here until the schema says the same.
const PROPERTIES: { [K in keyof ProblemDocument]-?: PropertySchema } = {
  type: { type: 'string' },
  title: { type: 'string' },
  status: { type: 'integer' },
  detail: { type: 'string' },
  instance: { type: 'string' },
  code: { type: 'string', description: 'Stable, Palette-style error code' },
  message: { type: 'string', description: 'Same as detail (Palette clients read this)' },
  errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } satisfies Record<keyof FieldError, PropertySchema> } },
};
const REQUIRED: Record<RequiredKeys<ProblemDocument>, true> = { type: true, title: true, status: true, detail: true, code: true, message: true };

export const PROBLEM_SCHEMA = { type: 'object', required: Object.keys(REQUIRED), properties: PROPERTIES };

/** How the media type of an error is chosen (problem-details.filter.ts, errorMediaType). */
const NEGOTIATION =
  ' The same body comes as application/problem+json when Accept names it, is absent or only wildcards, ' +
  'and as application/json when Accept names application/json and not problem+json (as Palette’s Go SDK sends).';

/** Documents the RFC 9457 problem responses a route can give, besides those every route can. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...[...statuses, ...EVERY_ROUTE].map((status) =>
      ApiResponse({
        status,
        description: `${DESCRIPTIONS[status]}.${NEGOTIATION}`,
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA }, 'application/json': { schema: PROBLEM_SCHEMA } },
      }),
    ),
  );
