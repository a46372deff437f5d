import { createServer } from 'node:http';

/** The service behind nginx in gateway.bench.ts: 200 with a small body, in its own process (PORT from the environment). */
const body = JSON.stringify({ hello: 'upstream' });
createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
