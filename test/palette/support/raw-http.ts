import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  text: string;
}

/**
 * Sends `request` byte for byte on a fresh TCP connection and reads one response (Content-Length
 * framed, as every Keystream answer is). No HTTP client sits in between to fix up headers or bodies,
 * so the server sees exactly what the client under imitation would send.
 */
export const rawExchange = (port: number, request: string | Buffer): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within 10 s; got ${received.toString('latin1').slice(0, 200)}`));
    }, 10_000);
    const finish = (response: RawResponse) => {
      clearTimeout(timer);
      socket.end();
      resolve(response);
    };
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const length = Number(headers['content-length'] ?? 0);
      const body = received.subarray(end + 4);
      if (body.length >= length) finish({ status: Number(statusLine!.split(' ')[1]), headers, text: body.subarray(0, length).toString('utf8') });
    });
    socket.write(request);
  });

/**
 * A request as Go's net/http writes it for the go-openapi runtime behind Palette's SDK: canonical
 * header names (`Apikey`, not `apiKey`), `Accept: application/json`, `Content-Type: application/json`
 * even with no body, `Content-Length: 0` for an empty one, and `Accept-Encoding: gzip`.
 */
export const goRequest = (
  port: number,
  method: string,
  path: string,
  credentials: { Apikey: string } | { Authorization: string },
  body?: string,
): string => {
  const payload = body ?? '';
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'User-Agent: Go-http-client/1.1',
    ...(method === 'GET' ? [] : [`Content-Length: ${Buffer.byteLength(payload)}`]),
    'Accept: application/json',
    ...Object.entries(credentials).map(([name, value]) => `${name}: ${value}`),
    ...(method === 'GET' ? [] : ['Content-Type: application/json']),
    'Accept-Encoding: gzip',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${payload}`;
};
