// Node module hooks that let a child process run the project's TypeScript as it is, the way Vitest
// does: `@keystream/<lib>` resolves to libs/<lib>/src/index.ts, a relative `./x.js` to `./x.ts`, and
// SWC transpiles with decorator metadata (NestJS DI needs it). Used by the crash tests, which must
// SIGKILL a real process; building dist/ first would test stale code.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const root = fileURLToPath(new URL('../../', import.meta.url));

const SWC_OPTIONS = {
  swcrc: false,
  configFile: false,
  sourceMaps: 'inline',
  module: { type: 'es6' },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};

export async function resolve(specifier, context, nextResolve) {
  const lib = /^@keystream\/([^/]+)$/.exec(specifier);
  if (lib) return { url: pathToFileURL(`${root}libs/${lib[1]}/src/index.ts`).href, shortCircuit: true };
  if ((specifier.startsWith('.') || specifier.startsWith('/')) && specifier.endsWith('.js') && context.parentURL) {
    const candidate = new URL(specifier, context.parentURL);
    const asTs = new URL(candidate.href.replace(/\.js$/, '.ts'));
    if (!existsSync(candidate) && existsSync(asTs)) return { url: asTs.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  return { format: 'module', source: code, shortCircuit: true };
}
