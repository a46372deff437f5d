import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

/**
 * A DATA_DIR that can be made full and emptied again. Preferred: a size-limited tmpfs mounted for the
 * drill (needs root and a kernel that allows the mount), filled by a filler file until the kernel
 * answers ENOSPC, so every SQLite file in it (events and views) hits a real full disk. Where the
 * mount is refused, SQLite's own `max_page_count` on the events connection makes that file "full"
 * (SQLITE_FULL, the same error a full disk gives) and the views keep their space.
 * FAULTS_FULL_DISK=max_page_count forces the fallback (to check it where the mount works).
 */
export const FULL_DISK_METHOD: 'tmpfs' | 'max_page_count' =
  process.env.FAULTS_FULL_DISK === 'max_page_count' || !canMountTmpfs() ? 'max_page_count' : 'tmpfs';

export class FullDisk {
  private filler: string | undefined;
  private constructor(readonly dir: string, private readonly mounted: boolean) {}

  static create(): FullDisk {
    const dir = mkdtempSync(join(tmpdir(), 'keystream-full-'));
    if (FULL_DISK_METHOD === 'tmpfs') execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', dir]);
    return new FullDisk(dir, FULL_DISK_METHOD === 'tmpfs');
  }

  /** `events`: the service's events connection, for the max_page_count fallback. */
  fill(events: Database.Database): void {
    if (!this.mounted) {
      const pages = Number(events.pragma('page_count', { simple: true }));
      events.pragma(`max_page_count = ${pages}`);
      return;
    }
    this.filler = join(this.dir, 'filler');
    const fd = openSync(this.filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      // Then smaller and smaller pieces, so not even one SQLite page fits any more.
      for (let size = 32 * 1024; size >= 512; size /= 2) {
        try {
          for (;;) writeSync(fd, chunk, 0, size);
        } catch {
          // full at this size
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  free(events: Database.Database): void {
    if (!this.mounted) {
      events.pragma('max_page_count = 4294967294');
      return;
    }
    if (this.filler) rmSync(this.filler, { force: true });
  }

  destroy(): void {
    if (this.mounted) execFileSync('umount', ['-l', this.dir]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'keystream-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmdirSync(probe);
  }
}
