import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { waitUntil } from '../../e2e/harness.js';

/**
 * The api or the worker as a real process (TypeScript through the test loader), so a drill can
 * SIGKILL it mid-command or mid-batch as an OOM killer or a node failure would.
 */
export class ServiceProcess {
  private output = '';
  private constructor(readonly child: ChildProcess, readonly base: string) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
  }

  static async start(app: 'api' | 'worker', env: Record<string, string>): Promise<ServiceProcess> {
    const child = spawn(process.execPath, ['--import', './test/setup/register-ts.mjs', `apps/${app}/src/main.ts`], {
      env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, `http://127.0.0.1:${env.PORT}`);
    const ready =
      app === 'api'
        ? () => fetch(`${service.base}/readyz`).then((r) => r.ok, () => false)
        : () => service.output.includes('processing lease taken');
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`the ${app} exited (${child.exitCode}):\n${service.output}`);
      return ready();
    }, 30_000, `the ${app} to be ready`).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${service.output}`);
    });
    return service;
  }

  get log(): string {
    return this.output;
  }

  async kill9(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
