/**
 * `npm run bench`: each benchmark in turn, each writing test/bench/results/<name>.json (BENCH_ONLY=name,name
 * runs some), then report.ts redraws docs/benchmarks.svg and README's table from every result's summary.
 * One line a module.
 */
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()).filter(Boolean);
const run = async (name: string, module: () => Promise<unknown>): Promise<void> => {
  if (only && !only.includes(name)) return;
  process.stdout.write(`\n== ${name} (${new Date().toISOString()})\n`);
  await module();
};

await run('scrypt', () => import('./scrypt.bench.js'));
await run('verify', () => import('./verify.bench.js'));
await run('gateway', () => import('./gateway.bench.js'));
await run('revocation', () => import('./revocation.bench.js'));
await run('verification-memory', () => import('./verification-memory.bench.js'));
await run('listing', () => import('./listing.bench.js'));
await run('esdb-rebuild', () => import('./esdb-rebuild.bench.js'));
await run('commands', () => import('./commands.bench.js'));
await run('rebuild', () => import('./rebuild.bench.js'));
await run('last-used', () => import('./last-used.bench.js'));
await import('./report.js');
