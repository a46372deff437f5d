import { Agent, request } from 'node:http';

/**
 * The load generator of commands.bench.ts, run in its own process: CLIENTS closed loops (each sends its
 * next command when the previous one answered), each over its own keep-alive connection and on its own
 * key, cycling revoke, re-activate and edit, for SECONDS after a short warm-up. Every answer must be 204.
 * Prints one JSON line: commands, seconds, latencies' percentiles.
 * Input (JSON in argv[2]): { base, token, keys: string[], clients, seconds, warmupSeconds, kind: 'keystream' | 'baseline' }.
 */
interface LoadInput {
  base: string;
  token: string;
  keys: string[];
  clients: number;
  seconds: number;
  warmupSeconds: number;
  kind: 'keystream' | 'baseline';
}

const input = JSON.parse(process.argv[2]!) as LoadInput;
const url = new URL(input.base);

const send = (agent: Agent, method: string, path: string, body: object): Promise<number> =>
  new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      { agent, host: url.hostname, port: url.port, method, path, headers: { authorization: input.token, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });

/** The n-th command of a client on its key: revoke, re-activate, edit, in turn (each a real change). */
const command = (key: string, n: number): [string, string, object] => {
  if (input.kind === 'baseline') return ['POST', '/insert', { key, n }];
  switch (n % 3) {
    case 0: return ['PUT', `/v1/apiKeys/${key}/state`, { isActive: false }];
    case 1: return ['PUT', `/v1/apiKeys/${key}/state`, { isActive: true }];
    default: return ['PUT', `/v1/apiKeys/${key}`, { metadata: { name: `bench-${n}` } }];
  }
};

const latencies: number[] = [];
let recording = false;
let stopping = false;
let failures = 0;
let firstFailure: string | undefined;

const client = async (index: number): Promise<void> => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const key = input.keys[index % input.keys.length]!;
  for (let n = 0; !stopping; n++) {
    const [method, path, body] = command(key, n);
    const started = process.hrtime.bigint();
    const status = await send(agent, method, path, body);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (status !== 204 && status !== 200) {
      failures++;
      firstFailure ??= `${method} ${path} -> ${status}`;
    }
    if (recording) latencies.push(ms);
  }
  agent.destroy();
};

const running = Array.from({ length: input.clients }, (_, i) => client(i));
await new Promise((resolve) => setTimeout(resolve, input.warmupSeconds * 1000));
recording = true;
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, input.seconds * 1000));
recording = false;
const seconds = (performance.now() - started) / 1000;
const count = latencies.length;
stopping = true;
await Promise.all(running);
latencies.sort((a, b) => a - b);
const at = (q: number): number => latencies[Math.min(count - 1, Math.floor(q * count))] ?? Number.NaN;
process.stdout.write(`${JSON.stringify({ commands: count, seconds, perSecond: count / seconds, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies[count - 1], failures, firstFailure })}\n`);
