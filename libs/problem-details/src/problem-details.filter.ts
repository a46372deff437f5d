import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from './to-problem.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

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
  reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body));
};
