import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Every folder under libs/ is importable as @keystream/<name>, exactly as tsconfig.json and .swcrc map it.
const libsDir = fileURLToPath(new URL('./libs', import.meta.url));
const alias = Object.fromEntries(
  readdirSync(libsDir).map((name) => [`@keystream/${name}`, `${libsDir}/${name}/src/index.ts`]),
);

export default defineConfig({
  // SWC keeps decorator metadata, which NestJS dependency injection needs and esbuild drops.
  plugins: [swc.vite({ swcrc: false, configFile: false, jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true } })],
  resolve: { alias },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.spec.ts'],
    // Starts the test Kafka broker unless KAFKA_BROKERS is set, and stops it at the end.
    globalSetup: ['test/setup/kafka.global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
