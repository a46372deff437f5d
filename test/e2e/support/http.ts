import { expect } from 'vitest';
import type { Headers } from './callers.js';

// What a test sends and gets back, and the one assertion every error response must pass.

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The raw body, for "never contains" scans. */
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface CallOptions {
  headers?: Headers;
  /** An object is sent as JSON; a string is sent as it is (with a JSON content type). */
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  /** Send no `Keystream-Extensions` header: answers carry Palette's members only. */
  paletteOnly?: boolean;
}

// ---------------------------------------------------------------- problem documents

export const PROBLEM_TYPE = 'application/problem+json';

/** The response is an RFC 9457 problem with Palette's members, the given status and code. */
export function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.json?.code }, response.text).toEqual({ status, code });
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.json;
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, code });
  expect(typeof body.detail).toBe('string');
  expect(body.message).toBe(body.detail);
  for (const member of Object.keys(body)) {
    expect(['type', 'title', 'status', 'detail', 'instance', 'code', 'message', 'errors']).toContain(member);
  }
  if (code === 'InvalidRequest') {
    expect(Array.isArray(body.errors) && body.errors.length > 0, response.text).toBe(true);
    for (const error of body.errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
}

export const fieldsOf = (response: ApiResponse): string[] =>
  (response.json?.errors ?? []).map((error: { field: string }) => error.field);

