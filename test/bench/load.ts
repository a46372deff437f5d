import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * The load generator, run as a child process of a bench (never inside the server's process): one
 * autocannon run described by the JSON file named by argv[2]; prints its figures as one JSON line.
 */
export interface LoadSpec {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** For a flood: a list of values, one picked per request, put in this header. */
  rotateHeader?: { name: string; values: string[] };
}

export interface LoadFigures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
let next = 0;
const result = await autocannon({
  url: spec.url,
  method: spec.method ?? 'GET',
  headers: spec.headers,
  body: spec.body,
  connections: spec.connections,
  duration: spec.durationSeconds,
  ...(spec.rotateHeader
    ? {
        requests: [
          {
            setupRequest: (request: any) => {
              const values = spec.rotateHeader!.values;
              request.headers = { ...request.headers, [spec.rotateHeader!.name]: values[next++ % values.length] };
              return request;
            },
          },
        ],
      }
    : {}),
});
const statusCodes: Record<string, number> = {};
for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (stats as { count: number }).count;
const figures: LoadFigures = {
  requestsPerSecond: result.requests.total / result.duration,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  latencyMaxMs: result.latency.max,
  requests: result.requests.total,
  statusCodes,
  errors: result.errors,
  timeouts: result.timeouts,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
