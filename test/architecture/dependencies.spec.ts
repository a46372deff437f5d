import { describe, expect, it } from 'vitest';
import { checkDependencies } from './dependency-check.js';

/**
 * The architecture rules (.dependency-cruiser.cjs, README "How it is built"): a pure domain, adapters
 * picked only in libs/runtime, config as a leaf, handlers that cannot reach the audit bus, no lib
 * importing an app, no cycle between libs.
 */
describe('dependency rules', () => {
  it('hold for apps/ and libs/', async () => {
    const { violations, libEdges } = await checkDependencies();
    // The `@keystream/*` paths resolved (a cruise that resolved nothing would find no violation).
    expect(libEdges).toBeGreaterThan(10);
    expect(violations, `dependency rule violations:\n  ${violations.join('\n  ')}`).toEqual([]);
  });
});
