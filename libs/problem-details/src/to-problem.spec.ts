import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { toProblem } from './to-problem.js';

class KeyGone extends Error {
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

  it('answers 503 for a store that is not there, and 500 without internals for anything unknown', () => {
    for (const code of ['ECONNREFUSED', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', '57P01', '08006', '55P03', '57014']) {
      const problem = toProblem(Object.assign(new Error(`connect ${code} 10.0.0.5:5432`), { code }));
      expect(problem.body).toMatchObject({ status: 503, code: 'ServiceUnavailable', detail: 'A backing store is unavailable; retry later' });
      expect(problem.retryAfterSeconds).toBeGreaterThan(0);
    }
    for (const message of ['timeout exceeded when trying to connect', 'Query read timeout']) {
      expect(toProblem(new Error(message)).body).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    }
    const unknown = toProblem(new TypeError("Cannot read properties of undefined (reading 'secretHash')"));
    expect(unknown).toMatchObject({ status: 500, unexpected: true });
    expect(unknown.body.detail).toBe('An unexpected error occurred');
    expect(unknown.retryAfterSeconds).toBeUndefined();
  });

  it('passes on an error’s own retry hint', () => {
    class Busy extends Error {
      readonly code = 'ServiceUnavailable';
      readonly retryAfterSeconds = 1;
    }
    class Throttled extends Error {
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
