import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = join(ROOT, 'apps/console');
const BUILT = join(ROOT, 'dist/console/index.html');

/** Newest modification time under a folder, generated files left out. */
const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.name !== 'generated' && entry.name !== 'node_modules')
      .map((entry) => (entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs)),
  );

/**
 * Vitest globalSetup: the browser tests load the console that `npm run build` puts in dist/console.
 * Built once here (not by each test file, which run in parallel) when it is missing or older than
 * its sources, so a test run never exercises a stale console.
 */
export default function setup(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newest(SOURCES)) return;
  execFileSync('npm', ['run', '-s', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
}
