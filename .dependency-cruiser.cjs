/**
 * Dependency rules for apps/ and libs/, run by test/architecture/dependencies.spec.ts (part of
 * `npm test`) and by hand with `npx depcruise apps libs`. Rules are written by folder pattern so
 * they hold for every lib and every slice added later:
 *   libs/<lib>/src/domain/   pure: no I/O, no framework, no use case
 *   libs/<lib>/src/adapters/ reached only by the composition root (libs/runtime), the lib's own
 *                            index (its exports) and contract suite, and other adapters
 *   libs/runtime/            the composition root; only apps import it
 * Type-only imports count (tsPreCompilationDeps): a cycle or a leak by type is still a coupling.
 * No cycles between libs is checked on the lib graph in the spec (dependency-cruiser sees modules).
 */

/** Node's modules that reach outside the process, or the clock and randomness. */
const NODE_IO = '^(node:)?(fs|fs/promises|net|tls|http|https|http2|dgram|dns|child_process|cluster|worker_threads|crypto|os|process|readline|v8|vm|inspector|perf_hooks)$';
/** Database, broker and network drivers. */
const DRIVERS = '(^|/)node_modules/(better-sqlite3|pg|pg-[^/]+|kysely|kafkajs|@eventstore|@grpc|undici|jose)/';
/** Frameworks and their helpers, which the domain never sees. */
const FRAMEWORKS = '(^|/)node_modules/(@nestjs|fastify|@fastify|class-validator|class-transformer|rxjs|reflect-metadata|pino|prom-client)/';

const DOMAIN = '^libs/[^/]+/src/domain/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-no-io',
      comment: 'The domain is pure: time, ids and hashes arrive on the command (STYLE 3.3.1).',
      severity: 'error',
      from: { path: DOMAIN },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'domain-no-driver-or-framework',
      comment: 'No driver, no Nest, no validation or logging library in the domain.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: [DRIVERS, FRAMEWORKS] },
    },
    {
      name: 'domain-no-use-case',
      comment: 'The domain knows no use case, view, adapter or HTTP shell: only other domain code.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^(libs|apps)/', pathNot: DOMAIN },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'only-apps-import-runtime',
      comment: 'libs/runtime is the composition root: a lib that imported it would load every adapter.',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/runtime/' },
      to: { path: '^libs/runtime/' },
    },
    {
      name: 'adapters-only-through-runtime',
      comment:
        'Only the composition root picks adapters. A lib index may re-export its own adapters (the ' +
        'named-import check in the spec keeps everyone else off those exports), its contract suite ' +
        'runs them, and adapters may share driver plumbing with other adapters.',
      severity: 'error',
      from: {
        pathNot: ['^libs/runtime/', '^libs/[^/]+/src/adapters/', '^libs/[^/]+/src/contract/', '^libs/[^/]+/src/(views/)?testing/', '^libs/[^/]+/src/index\\.ts$'],
      },
      to: { path: '^libs/[^/]+/src/adapters/' },
    },
    {
      name: 'adapters-only-from-own-index',
      comment: "A lib's index re-exports its own adapters, never another lib's.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/index\\.ts$' },
      to: { path: '^libs/[^/]+/src/adapters/', pathNot: '^libs/$1/src/adapters/' },
    },
    {
      name: 'handlers-never-reach-audit-bus',
      comment: 'A command handler reads, decides and appends; publishing is the relay’s job (STYLE 3.3.5).',
      severity: 'error',
      from: { path: '^libs/api-keys/src/commands/' },
      to: { path: '^libs/audit-bus/', reachable: true },
    },
    {
      name: 'config-is-a-leaf',
      comment: 'Settings, parsing and the logger factory: no other lib, no adapter, no driver.',
      severity: 'error',
      from: { path: '^libs/config/' },
      to: { path: ['^libs/', '^apps/', DRIVERS], pathNot: '^libs/config/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Specs compose across boundaries on purpose (a contract spec opens its adapter, e2e starts apps).
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
