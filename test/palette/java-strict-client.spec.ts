import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tenantWithUsers, useApp } from '../e2e/harness.js';

/**
 * The strictest client Palette's spec makes: openapi-generator's Java okhttp-gson, whose models throw
 * on any member the spec does not name and whose V1ObjectMeta sends `labels: {}` by default. The
 * driver (test/palette/java/PaletteFlow.java) walks every operation; it knows nothing of Keystream.
 * One read model is enough here: the JSON shapes do not depend on it (the e2e suites cover both).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let classpath: string;

beforeAll(async () => {
  const { stdout } = await run('bash', ['scripts/palette-client/generate.sh', 'java'], { cwd: ROOT, timeout: 300_000 });
  const dir = resolve(ROOT, stdout.trim());
  classpath = `${dir}/target/classes:${readFileSync(`${dir}/cp.txt`, 'utf8').trim()}`;
}, 300_000);

describe('a strict Java client generated from Palette’s spec', () => {
  const h = useApp('sqlite');

  it('walks users/info, create (tenant uid as userUid), list, get, update, revoke, re-activate, PATCH and delete', async () => {
    await h.current.app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(h.current.app.getHttpServer().address() as AddressInfo).port}`;
    const { tenant, alice } = await tenantWithUsers();
    const { stdout } = await run('java', ['-cp', classpath, 'io.keystream.palette.PaletteFlow', baseUrl, alice.token], { timeout: 60_000 });
    const steps = Object.fromEntries(stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
    expect(steps).toEqual({
      'users/info': `${alice.userId}@${tenant}`,
      create: expect.stringMatching(/^[0-9a-f]{24}$/),
      list: '1',
      get: `java-strict owner=${alice.userId} active=true`,
      update: 'java-renamed',
      revoke: 'key answers 401',
      reactivate: 'key answers 200',
      patch: 'active=false',
      delete: 'get answers 404',
    });
  }, 90_000);
});
