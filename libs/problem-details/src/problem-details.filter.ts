import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { toProblem } from './to-problem.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * The media type of an error answer. The body is the same RFC 9457 document either way; only the
 * label changes. Palette's Go SDK (go-openapi) picks a decoder by media type before it looks at the
 * status and knows `application/json` but not `application/problem+json`, and it sends
 * `Accept: application/json`. So: problem+json when Accept names it, or names neither type (absent,
 * `*` wildcards); plain JSON when Accept names `application/json` and not problem+json.
 */
export const errorMediaType = (accept: string | string[] | undefined): string => {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (header === undefined) return PROBLEM_CONTENT_TYPE;
  // Clients send a handful of distinct Accept values: each is negotiated once (a refusal flood costs no parse).
  let known = mediaTypeByAccept.get(header);
  if (known === undefined) {
    const named = new Negotiator({ headers: { accept: header } }).mediaTypes();
    known = named.includes(PROBLEM_CONTENT_TYPE) ? PROBLEM_CONTENT_TYPE : named.includes(JSON_CONTENT_TYPE) ? JSON_CONTENT_TYPE : PROBLEM_CONTENT_TYPE;
    if (mediaTypeByAccept.size >= MAX_ACCEPT_VALUES) mediaTypeByAccept.clear();
    mediaTypeByAccept.set(header, known);
  }
  return known;
};
const MAX_ACCEPT_VALUES = 256;
const mediaTypeByAccept = new Map<string, string>();

/** The single place where errors become HTTP responses. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // A path that matched no route is the client's text, not a resource: it is not echoed back.
    const instance = request.is404 ? undefined : request.url.split('?')[0];
    sendProblem(http.getResponse<FastifyReply>(), exception, instance, this.logger);
  }
}

/** A refusal's answer made once (status, Retry-After, serialized body), for a hot path that sends it again and again. */
export interface PreparedProblem {
  readonly status: number;
  readonly retryAfter?: string;
  readonly text: string;
}

/** For expected refusals only (an unexpected error must be logged each time it happens: use sendProblem). */
export const prepareProblem = (error: unknown, instance: string | undefined): PreparedProblem => {
  const problem = toProblem(error, instance);
  if (problem.unexpected || problem.status >= 500) throw new Error('prepareProblem is for expected refusals; send failures with sendProblem');
  return { status: problem.status, text: JSON.stringify(problem.body), ...(problem.retryAfterSeconds === undefined ? {} : { retryAfter: String(problem.retryAfterSeconds) }) };
};

/** Sends a prepared refusal as sendProblem would (same status, headers and body; media type from Accept). */
export const sendPreparedProblem = (reply: FastifyReply, prepared: PreparedProblem): void => {
  if (prepared.retryAfter !== undefined) reply.header('retry-after', prepared.retryAfter);
  reply
    .status(prepared.status)
    .header('content-type', `${errorMediaType(reply.request?.headers.accept)}; charset=utf-8`)
    .header('vary', 'Accept')
    .send(prepared.text);
};

export const sendProblem = (
  reply: FastifyReply,
  error: unknown,
  instance: string | undefined,
  logger: Pick<Logger, 'error' | 'warn'>,
): void => {
  const problem = toProblem(error, instance);
  if (problem.unexpected) logger.error(error instanceof Error ? error.stack ?? error.message : String(error));
  // An expected refusal, but one operators need to see: the service is degraded.
  else if (problem.status === 503) logger.warn(`${instance ?? ''} answered 503: ${problem.body.detail}`);
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  const mediaType = errorMediaType(reply.request?.headers.accept);
  reply
    .status(problem.status)
    .header('content-type', `${mediaType}; charset=utf-8`)
    .header('vary', 'Accept')
    .send(JSON.stringify(problem.body));
};
