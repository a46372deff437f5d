import { Api, type HttpResponse } from './generated/keystream-api';

export type { ApiKeyResource, AuditEventResource, TenantKeyPolicyResource, UserInfoResource } from './generated/keystream-api';

/** The credential the console calls the API with; held in memory only (see auth/session.tsx). */
export interface Credential {
  kind: 'jwt' | 'apiKey';
  value: string;
}

export interface FieldError {
  field: string;
  message: string;
}

/** A refused call, explained in words a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The typed client generated from Keystream's OpenAPI document, with the caller's credential on every call. */
export const createClient = (credential: Credential) =>
  new Api({
    baseApiParams: {
      credentials: 'omit',
      headers: {
        // listmeta (paging) and status.expired are Keystream's extension members: the console opts in.
        'Keystream-Extensions': 'true',
        ...(credential.kind === 'jwt' ? { Authorization: `Bearer ${credential.value}` } : { apiKey: credential.value }),
      },
    },
  });

export type Client = ReturnType<typeof createClient>;

interface Problem {
  code?: string;
  detail?: string;
  message?: string;
  errors?: { field?: string; message?: string }[];
}

/** Awaits a generated call and turns a refusal into an ApiError with a readable message. */
export async function call<T>(request: Promise<HttpResponse<T, unknown>>): Promise<T> {
  try {
    return (await request).data;
  } catch (thrown) {
    if (thrown instanceof ApiError) throw thrown;
    const response = thrown as HttpResponse<unknown, Problem | null>;
    if (typeof response?.status !== 'number') {
      throw new ApiError(0, 'NetworkError', 'The console could not reach Keystream. Check your connection and try again.');
    }
    const problem = response.error ?? {};
    const retryAfter = response.headers.get('retry-after');
    const errors = (problem.errors ?? []).map((e) => ({ field: e.field ?? '', message: e.message ?? '' }));
    throw new ApiError(response.status, problem.code ?? String(response.status), explain(response.status, problem, retryAfter), errors);
  }
}

const explain = (status: number, problem: Problem, retryAfter: string | null): string => {
  const wait = retryAfter ? ` Try again in ${retryAfter} second${retryAfter === '1' ? '' : 's'}.` : ' Try again in a moment.';
  switch (status) {
    case 401:
      return 'Your session has expired or your credential was refused. Sign in again.';
    case 403:
      return 'You are not allowed to do this: it needs a tenant admin.';
    case 404:
      return 'No such API key, or it is not one you may see.';
    case 429:
      return `Too many requests in a short time.${wait}`;
    case 503:
      return `Keystream is busy or one of its stores is unavailable.${wait}`;
    default:
      return problem.detail ?? problem.message ?? `The request failed (HTTP ${status}).`;
  }
};
