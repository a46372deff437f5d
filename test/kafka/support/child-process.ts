import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../../libs/audit-bus/src/contract/wait-until.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REGISTER_TS = fileURLToPath(new URL('../../setup/register-ts.mjs', import.meta.url));

/**
 * A real process running one of our TypeScript entry points (through test/setup/ts-hooks.mjs), so a
 * test can SIGKILL it at any moment: nothing in it gets to clean up, exactly as in a crash.
 */
export class TsProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', REGISTER_TS, script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const collect = (chunk: Buffer) => {
      const text = pending + chunk.toString();
      const lines = text.split('\n');
      pending = lines.pop()!;
      this.lines.push(...lines);
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    await waitUntil(`a line matching ${pattern} (process ${this.running ? 'running' : 'exited'})`, () => this.lines.find((line) => pattern.test(line)), (line) => line !== undefined || !this.running, { timeoutMs });
    const line = this.lines.find((candidate) => pattern.test(candidate));
    if (line === undefined) throw new Error(`Process exited without printing ${pattern}:\n${this.lines.slice(-20).join('\n')}`);
    return line;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }
}
