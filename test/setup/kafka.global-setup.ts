import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap address(es) of the Kafka broker the Kafka tests run against, `host:port[,…]`. */
    kafkaBrokers: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Vitest globalSetup: the Kafka tests always run against a real broker, never skipped.
 * - `KAFKA_BROKERS` set: use that broker as it is.
 * - otherwise: start the throw-away broker (scripts/kafka/start.sh), and stop it when the run ends,
 *   failed runs included; a broker that was already running is reused and left running.
 * - the broker cannot start (no Java, no Maven to fetch the jars): the run fails with one message
 *   saying what to install.
 * Tests read the address with `inject('kafkaBrokers')`; child processes get `KAFKA_BROKERS`.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.KAFKA_BROKERS?.trim();
  if (given) {
    project.provide('kafkaBrokers', given);
    return;
  }
  const started = await runScript('start.sh');
  if (started.code !== 0) throw new KafkaSetupError(started.stderr);
  const brokers = started.stdout.trim().split('\n').at(-1)!.trim();
  const reused = /reusing running broker/.test(started.stderr);
  process.env.KAFKA_BROKERS = brokers;
  project.provide('kafkaBrokers', brokers);
  return async () => {
    delete process.env.KAFKA_BROKERS;
    if (reused) return;
    const stopped = await runScript('stop.sh');
    if (stopped.code !== 0) process.stderr.write(`[kafka] stopping the test broker failed:\n${stopped.stderr}\n`);
  };
}

class KafkaSetupError extends Error {
  constructor(stderr: string) {
    const reason =
      stderr.match(/\[kafka\] ERROR: (.*)/)?.[1] ?? (stderr.trim().split('\n').slice(-5).join('\n') || 'no output');
    super(
      `The Kafka tests need a Kafka broker, and the test broker could not be started: ${reason}\n` +
        'Either fix that (see scripts/kafka/start.sh) or point the tests at a running broker with KAFKA_BROKERS=host:port.',
    );
    this.name = 'KafkaSetupError';
    // The message is the whole story; a stack into this file would only distract from it.
    this.stack = this.message;
  }
}

function runScript(script: 'start.sh' | 'stop.sh'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [`scripts/kafka/${script}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      // Progress (jar download, startup) stays visible; an error is reported once, by KafkaSetupError.
      const progress = chunk.toString().split('\n').filter((line) => line && !line.startsWith('[kafka] ERROR'));
      if (progress.length > 0) process.stderr.write(`${progress.join('\n')}\n`);
    });
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: `${stderr}\n[kafka] ERROR: ${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
