import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import swc from 'unplugin-swc';
import { configDefaults, defineConfig } from 'vitest/config';

// Every folder under libs/ is importable as @keystream/<name>, exactly as tsconfig.json and .swcrc map it.
const libsDir = fileURLToPath(new URL('./libs', import.meta.url));
const alias = Object.fromEntries(
  readdirSync(libsDir).map((name) => [`@keystream/${name}`, `${libsDir}/${name}/src/index.ts`]),
);

const ALL_TESTS = ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.spec.ts'];
/** The suites that talk to a real Kafka broker. */
const KAFKA_TESTS = ['test/kafka/**/*.spec.ts', 'libs/audit-bus/src/adapters/kafka/**/*.spec.ts', 'libs/audit/src/adapters/kafka/**/*.spec.ts'];

export default defineConfig({
  // SWC keeps decorator metadata, which NestJS dependency injection needs and esbuild drops.
  plugins: [swc.vite({ swcrc: false, configFile: false, jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true } })],
  resolve: { alias },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two projects so that only a run that includes a Kafka suite starts the broker: Vitest calls a
    // project's globalSetup only when that project has tests queued.
    projects: [
      {
        extends: true,
        // Starts the test Kafka broker unless KAFKA_BROKERS is set, and stops it at the end.
        test: { name: 'kafka', include: KAFKA_TESTS, globalSetup: ['test/setup/kafka.global-setup.ts'] },
      },
      // Builds dist/console when it is missing or stale, for the browser tests (test/browser).
      { extends: true, test: { name: 'core', include: ALL_TESTS, exclude: [...configDefaults.exclude, ...KAFKA_TESTS], globalSetup: ['test/setup/console.global-setup.ts'] } },
    ],
  },
});
