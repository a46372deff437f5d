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
    for (const code of ['ECONNREFUSED', 'SQLITE_BUSY', '57P01', '08006']) {
      expect(toProblem(Object.assign(new Error(`connect ${code} 10.0.0.5:5432`), { code })).body).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    }
    const unknown = toProblem(new TypeError("Cannot read properties of undefined (reading 'secretHash')"));
    expect(unknown).toMatchObject({ status: 500, unexpected: true });
    expect(unknown.body.detail).toBe('An unexpected error occurred');
  });

  it('reports a malformed JSON body with the field, also when Nest wrapped the parser’s error', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token } in JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    const wrapped = Object.assign(new Error('Bad Request'), { statusCode: 400, cause: parserError });
    expect(toProblem(wrapped).body).toMatchObject({ status: 400, code: 'InvalidRequest', errors: [{ field: 'body', message: 'must be valid JSON' }] });
  });
});
