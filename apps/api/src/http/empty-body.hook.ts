import type { FastifyInstance } from 'fastify';

/**
 * A request that declares an empty body (`Content-Length: 0`, no chunked body) carries no body,
 * whatever its `Content-Type` says. Go's net/http and the go-openapi runtime behind Palette's SDK
 * send `DELETE` (and other bodiless calls) with `Content-Type: application/json` and nothing after
 * the headers; Fastify's JSON parser would call that malformed JSON. Dropping the content type
 * before parsing lets such a request reach its route as "no body", while a body that is present and
 * malformed still fails to parse and is answered 400.
 */
export const treatEmptyBodiesAsAbsent = (fastify: FastifyInstance): void => {
  fastify.addHook('onRequest', async (request) => {
    const { headers } = request;
    if (headers['content-type'] !== undefined && headers['content-length'] === '0' && headers['transfer-encoding'] === undefined) {
      delete headers['content-type'];
    }
  });
};
