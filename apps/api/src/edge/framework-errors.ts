import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequestError } from '@keystream/api-keys';
import { errorMediaType, sendProblem, toProblem } from '@keystream/problem-details';
import { HeadersTooLargeError, RequestTimeoutError, UriTooLongError } from './edge.errors.js';

/** Fastify's default maxParamLength (left as it is), stated here so the message can name it. */
export const MAX_PARAM_LENGTH = 100;

interface EdgeLogger {
  error(message: string): void;
  warn(message: string): void;
}

/**
 * Errors Fastify's router raises before any route runs (malformed percent-encoding, an over-long
 * path parameter). By default they answer plain JSON that echoes the URL; here they are problems
 * with a registered code, and without an `instance`, since the path is the bad input.
 */
export const frameworkErrors =
  (logger: EdgeLogger) =>
  (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const refusal =
      error.code === 'FST_ERR_BAD_URL'
        ? new InvalidRequestError([{ field: 'url', message: 'must be valid percent-encoded UTF-8' }])
        : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new UriTooLongError(MAX_PARAM_LENGTH)
          : error;
    sendProblem(reply, refusal, undefined, logger);
  };

/**
 * Errors Node's HTTP parser raises before there is a request at all: headers over 16 KiB (431),
 * a request that does not arrive in time (408), bytes that are not HTTP (400). There is no reply
 * object, so the problem is written to the socket, in the media type the request's Accept asks
 * for where the bytes the parser kept (`rawPacket`) show one (plain JSON for Palette's clients, as
 * everywhere else), else problem+json; with `Connection: close` because the socket is closed after
 * it: the parser cannot find the next request's start in a stream it could not read.
 */
export const clientErrorHandler = (error: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new HeadersTooLargeError()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new RequestTimeoutError()
        : new InvalidRequestError([{ field: 'request', message: 'is not a valid HTTP/1.1 request' }]);
  const { status, body } = toProblem(refusal);
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${errorMediaType(acceptIn(error.rawPacket))}; charset=utf-8\r\n` +
        'Vary: Accept\r\n' +
        `Content-Length: ${Buffer.byteLength(text)}\r\n` +
        'Connection: close\r\n\r\n' +
        text,
    );
  }
  socket.destroySoon();
};

/** The Accept header among the request bytes the parser kept, if they reach it (never anything else of them). */
const acceptIn = (rawPacket: unknown): string | undefined => {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const head = rawPacket.toString('latin1', 0, Math.min(rawPacket.length, 64 * 1024));
  return /\r\naccept[ \t]*:[ \t]*([^\r\n]*)/i.exec(head)?.[1]?.trim();
};
