import { findOperation, specViolations } from './palette-spec.js';

const header = (headers: Record<string, unknown>, name: string): string | undefined => {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
};

/**
 * The media type an error answer must carry for the request's Accept (README, "Errors"): plain JSON
 * when Accept names application/json and not application/problem+json, problem+json otherwise.
 * Deliberately written without the server's negotiation code, from the rule's words.
 */
export const expectedErrorMediaType = (accept: string | undefined): string => {
  const named = (accept ?? '')
    .split(',')
    .map((part) => part.split(';').map((piece) => piece.trim().toLowerCase()))
    .filter(([, ...params]) => !params.some((param) => /^q=0(\.0*)?$/.test(param)))
    .map(([type]) => type);
  if (named.includes('application/problem+json')) return 'application/problem+json';
  return named.includes('application/json') ? 'application/json' : 'application/problem+json';
};

/**
 * Everything about one exchange that breaks Palette's published contract: the body against the
 * spec's schema for that operation and status (closed to Palette's members unless the request opted
 * in to Keystream's extensions), and an error's media type against the request's Accept.
 */
export const paletteContractViolations = (
  request: { method: string; url: string; headers: Record<string, unknown> },
  response: { status: number; headers: Record<string, unknown>; text: string; json: unknown },
): string[] => {
  const operation = findOperation(request.method, request.url);
  if (!operation) return [];
  // README, "Palette clients": extension members come with the opt-in header, or on a list that pages.
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  const pages = operation.operationId === 'v1ApiKeysList' && (query.has('limit') || query.has('continue'));
  const extensions = pages || ['true', '1'].includes(header(request.headers, 'keystream-extensions') ?? '');
  const violations = specViolations(operation, response, !extensions);
  if (response.status >= 400) {
    const expected = expectedErrorMediaType(header(request.headers, 'accept'));
    const actual = String(header(response.headers, 'content-type') ?? '').split(';')[0]!.trim();
    if (actual !== expected) violations.push(`${request.method} ${request.url} -> ${response.status}: content-type ${actual}, expected ${expected}`);
  }
  return violations;
};
