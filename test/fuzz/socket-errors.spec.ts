import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../e2e/harness.js';

/** Sends raw bytes and reads until the server closes the socket. */
const exchange = (port: number, request: string): Promise<{ text: string; closedByServer: boolean }> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ text, closedByServer: true }));
    socket.write(request);
  });

const parse = (text: string) => {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, json: JSON.parse(body) };
};

/** Errors Node's HTTP parser raises before Fastify has a request: only a real socket shows them. */
describe('errors before routing, over a real socket', () => {
  const h = useApp('sqlite');
  let port = 0;
  beforeAll(async () => {
    await h.current.app.listen(0, '127.0.0.1');
    port = (h.current.app.getHttpServer().address() as AddressInfo).port;
  });

  it.each(['apiKey', 'Authorization'])('an %s header over 16 KiB: 431 problem+json with Connection: close, then the socket closes', async (name) => {
    const secret = `ks_${'s'.repeat(17 * 1024)}`;
    const { text, closedByServer } = await exchange(port, `GET /v1/apiKeys HTTP/1.1\r\nHost: x\r\n${name}: ${secret}\r\n\r\n`);
    const response = parse(text);
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers.connection).toBe('close');
    expect(response.json).toMatchObject({ status: 431, code: 'RequestHeaderFieldsTooLarge' });
    expect(text).not.toContain('sss');
    expect(closedByServer).toBe(true);
  });

  it('honours Accept where the parser kept it: plain JSON for a client that asks for it, problem+json otherwise', async () => {
    const secret = `ks_${'s'.repeat(17 * 1024)}`;
    for (const [accept, type] of [['application/json', 'application/json'], ['application/problem+json', 'application/problem+json'], ['*/*', 'application/problem+json']] as const) {
      const overflow = parse((await exchange(port, `GET /v1/apiKeys HTTP/1.1\r\nHost: x\r\nAccept: ${accept}\r\napiKey: ${secret}\r\n\r\n`)).text);
      expect(overflow.status).toBe(431);
      expect(overflow.headers['content-type']).toBe(`${type}; charset=utf-8`);
      expect(overflow.json).toMatchObject({ status: 431, code: 'RequestHeaderFieldsTooLarge' });
    }
    const garbage = parse((await exchange(port, 'GET /v1/apiKeys HTTP/1.1\r\nAccept: application/json\r\nBad Header\r\n\r\n')).text);
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('bytes that are not HTTP: 400 problem+json with Connection: close', async () => {
    const { text } = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    const response = parse(text);
    expect(response.status).toBe(400);
    expect(response.headers.connection).toBe('close');
    expect(response.json).toMatchObject({ status: 400, code: 'InvalidRequest' });
  });

  it('a bad URL and an over-long uid over the wire are problems too', async () => {
    for (const [path, status, code] of [['/v1/apiKeys/%ZZ', 400, 'InvalidRequest'], [`/v1/apiKeys/${'a'.repeat(200)}`, 414, 'UriTooLong']] as const) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ code });
      expect(body).not.toContain(path.slice(12));
    }
  });
});
