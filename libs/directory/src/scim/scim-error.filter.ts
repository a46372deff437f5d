import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toProblem } from '@keystream/problem-details';
import { DirectoryError } from '../domain/index.js';
import { DirectoryConflictError } from '../application/directory-command-runner.js';
import { SCIM_CONTENT_TYPE, SCIM_ERROR_SCHEMA, ScimError, type ScimType } from './scim.errors.js';

interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

const fromDirectory = (error: DirectoryError): ScimError =>
  error.code === 'DirectoryUserExists' ? new ScimError(409, error.message, 'uniqueness') : new ScimError(404, error.message);

/**
 * Every failure on /scim/v2 in SCIM's own error schema, as application/scim+json: what Okta and
 * Entra ID parse. Faults keep the service's rules (503 with Retry-After, nothing internal in the
 * detail), through the same classification the problem-details filter uses.
 */
@Catch()
export class ScimErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Scim');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error: ScimError;
    if (exception instanceof ScimError) error = exception;
    else if (exception instanceof DirectoryError) error = fromDirectory(exception);
    else if (exception instanceof DirectoryConflictError) error = new ScimError(409, exception.message);
    else {
      const problem = toProblem(exception);
      if (problem.unexpected) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
      if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
      // A body Nest could not parse, or a route that does not exist, is still the client's mistake.
      const scimType = exception instanceof HttpException && problem.status === 400 ? 'invalidSyntax' : undefined;
      error = new ScimError(problem.status, problem.body.detail, scimType);
    }
    const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(error.status), ...(error.scimType ? { scimType: error.scimType } : {}), detail: error.message };
    reply.status(error.status).header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`).send(JSON.stringify(body));
  }
}
