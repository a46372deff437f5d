/** `npm run bench`: each benchmark in turn, each writing test/bench/results/<name>.json. */
await import('./scrypt.bench.js');
await import('./http.bench.js');
await import('./listing.bench.js');
await import('./esdb-rebuild.bench.js');
await import('./commands.bench.js');
await import('./rebuild.bench.js');
await import('./last-used.bench.js');
