import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../../libs/audit-bus/src/contract/wait-until.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LIB = join(ROOT, '.kafka/lib');
const TOOLS = join(ROOT, 'tools/kafka-broker');

/**
 * A broker of the test's own, for drills that stop and restart it: scripts/kafka/start.sh serves
 * one shared broker per checkout and formats its data afresh on every start, whereas a real outage
 * must come back with its data (acknowledged messages, committed offsets). This one runs the same
 * jars (fetched by start.sh into .kafka/lib) and the same server.properties template, on free
 * ports, in a temporary directory it keeps across stop() and start().
 */
export class PrivateBroker {
  private process?: ChildProcess;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateBroker> {
    if (!existsSync(join(LIB, '.stamp'))) {
      throw new Error('The Kafka jars are missing from .kafka/lib: run scripts/kafka/start.sh once (it fetches them), then rerun.');
    }
    const dir = mkdtempSync(join(tmpdir(), 'keystream-broker-'));
    const [port, controllerPort] = await freePorts(2);
    const properties = readFileSync(join(TOOLS, 'server.properties.template'), 'utf8')
      .replaceAll('@KAFKA_PORT@', String(port))
      .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
      .replaceAll('@DATA_DIR@', join(dir, 'data'));
    writeFileSync(join(dir, 'server.properties'), properties);
    writeFileSync(join(dir, 'log4j2.properties'), readFileSync(join(TOOLS, 'log4j2.properties')));
    const broker = new PrivateBroker(dir, port);
    await promisify(execFile)('java', [...broker.javaOptions('-Xmx256m'), 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId()}`, '--config', join(dir, 'server.properties')]);
    return broker;
  }

  /** Starts (or restarts, on the same data and ports) and resolves once clients can connect. */
  async start(): Promise<void> {
    const log = openSync(join(this.dir, 'broker.log'), 'a');
    const java = spawn('java', [...this.javaOptions('-Xmx512m'), 'kafka.Kafka', join(this.dir, 'server.properties')], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.process = java;
    const exited = new Promise((resolve) => java.once('exit', resolve));
    process.once('exit', () => java.kill('SIGKILL')); // never outlive the test worker
    await waitUntil(`the private broker on ${this.bootstrap}`, () => Promise.race([portOpen(this.port), exited.then(() => 'exited')]), (state) => state === true || state === 'exited', { timeoutMs: 90_000, intervalMs: 100 });
    if (java.exitCode !== null) throw new Error(`The private broker exited during startup; see ${this.dir}/broker.log`);
  }

  /** A clean shutdown (SIGTERM, as scripts/kafka/stop.sh does); the data stays for the next start(). */
  async stop(): Promise<void> {
    const java = this.process;
    this.process = undefined;
    if (!java || java.exitCode !== null) return;
    const exited = new Promise((resolve) => java.once('exit', resolve));
    java.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private javaOptions(heap: string): string[] {
    return [heap, '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=file:${join(this.dir, 'log4j2.properties')}`, '-cp', `${LIB}/*`];
  }
}

// 22-character base64url UUID, not starting with '-' (it would parse as a flag), as start.sh makes.
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
