import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { StoreBusyError, StoreUnavailableError } from '@keystream/store-errors';
import { type ExpectedProblem, toProblem } from './to-problem.js';

class KeyGone extends Error implements ExpectedProblem {
  readonly code = 'ResourceNotFound';
}

describe('toProblem', () => {
  it('maps our coded errors through the registry, with Palette’s code and message', () => {
    const { status, body } = toProblem(new KeyGone('API key k1 not found'), '/v1/apiKeys/k1');
    expect(status).toBe(404);
    expect(body).toEqual({
      type: 'urn:keystream:problem:ResourceNotFound',
      title: 'Not found',
      status: 404,
      detail: 'API key k1 not found',
      instance: '/v1/apiKeys/k1',
      code: 'ResourceNotFound',
      message: 'API key k1 not found',
    });
  });

  it('keeps only the status of framework errors, never their text', () => {
    expect(toProblem(new PayloadTooLargeException('body of 9 MB with secret ks_abc')).body).toMatchObject({ status: 413, code: 'PayloadTooLarge', detail: 'The request body exceeds 64 KiB' });
    expect(toProblem(new NotFoundException('Cannot GET /x?apiKey=ks_abc')).body.detail).not.toContain('ks_abc');
  });

  it('answers 503 for a store that is down or busy, by class, never with the driver’s text', () => {
    class DatabaseDown extends StoreUnavailableError {}
    class DatabaseFull extends StoreBusyError {}
    const cause = Object.assign(new Error('connect ECONNREFUSED db.internal:5432'), { code: 'ECONNREFUSED' });
    const down = toProblem(new DatabaseDown(`select * from key_listing failed: ${cause.message}`, { cause }));
    expect(down).toMatchObject({ status: 503, unexpected: true, body: { code: 'ServiceUnavailable', detail: 'A backing store is unavailable; retry later' } });
    expect(down.retryAfterSeconds).toBeGreaterThan(0);
    const busy = toProblem(new DatabaseFull('every lock connection is taken', 3, { cause }));
    expect(busy).toMatchObject({ status: 503, unexpected: false, retryAfterSeconds: 3, body: { code: 'ServiceUnavailable', detail: 'The service is busy; retry later' } });
    for (const problem of [down, busy]) expect(JSON.stringify(problem.body)).not.toMatch(/db\.internal|select|lock connection/);
  });

  it('answers 500 without internals for anything unknown, raw driver errors included (adapters translate those)', () => {
    const unknown = toProblem(new TypeError("Cannot read properties of undefined (reading 'secretHash')"));
    expect(unknown).toMatchObject({ status: 500, unexpected: true });
    expect(unknown.body.detail).toBe('An unexpected error occurred');
    expect(unknown.retryAfterSeconds).toBeUndefined();
    const untranslated = toProblem(Object.assign(new Error('duplicate key value violates unique constraint on db.internal'), { code: '23505' }));
    expect(untranslated).toMatchObject({ status: 500, body: { detail: 'An unexpected error occurred' } });
  });

  it('shows an error’s message only for a registered code', () => {
    expect(toProblem(Object.assign(new Error('at db.internal'), { code: 'NotACode' })).body).toMatchObject({ status: 500, detail: 'An unexpected error occurred' });
  });

  it('passes on an error’s own retry hint', () => {
    class Busy extends Error implements ExpectedProblem {
      readonly code = 'ServiceUnavailable';
      readonly retryAfterSeconds = 1;
    }
    class Throttled extends Error implements ExpectedProblem {
      readonly code = 'TooManyRequests';
      readonly retryAfterSeconds = 7;
    }
    expect(toProblem(new Busy('busy'))).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(toProblem(new Throttled('slow down'))).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });

  it('reports a malformed JSON body with the field, also when Nest wrapped the parser’s error', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token } in JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    const wrapped = Object.assign(new Error('Bad Request'), { statusCode: 400, cause: parserError });
    expect(toProblem(wrapped).body).toMatchObject({ status: 400, code: 'InvalidRequest', errors: [{ field: 'body', message: 'must be valid JSON' }] });
  });
});
