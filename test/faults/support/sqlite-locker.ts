import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Another process holding an exclusive write transaction on an SQLite file (an operator's sqlite3
 * shell left in `BEGIN EXCLUSIVE`, a backup tool, a second service on the same DATA_DIR): no one else
 * can write until it lets go. release() rolls back and ends the process.
 */
export class SqliteLocker {
  private constructor(private readonly child: ChildProcess) {}

  static async lock(file: string): Promise<SqliteLocker> {
    const script = `
      const db = require('better-sqlite3')(process.argv[1]);
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
      process.stdin.on('end', () => process.exit(0));`;
    const child = spawn(process.execPath, ['-e', script, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => ['exited'])])) as [Buffer | string];
    if (!String(chunk).includes('locked')) throw new Error(`the locking process could not lock ${file}`);
    return new SqliteLocker(child);
  }

  async release(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.write('release\n');
    await exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
