import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ICruiseResult, type IConfiguration, cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import ts from 'typescript';

/**
 * Runs the rules in .dependency-cruiser.cjs over apps/ and libs/, plus the two checks that need
 * more than module edges: no cycle between libs (on the lib graph), and no import of a lib's
 * adapter exports (by name, through its index) outside the composition root. Each violation is
 * one line: `rule: from -> to`.
 */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = /^libs\/([^/]+)\//;
/** Where adapters may be named: the composition root, adapters themselves, contract suites. */
const MAY_NAME_ADAPTERS = /^libs\/(runtime\/|[^/]+\/src\/([^/]+\/)*(adapters|contract|testing)\/)/;

export interface Report {
  violations: string[];
  /** Cross-lib edges seen, as a sanity check that the `@keystream/*` paths resolved. */
  libEdges: number;
}

export async function checkDependencies(roots = ['apps', 'libs']): Promise<Report> {
  const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const { output } = await cruise(
      roots,
      { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true },
      undefined,
      { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) },
    );
    const result = output as ICruiseResult;
    const unresolved = result.modules.flatMap((m) =>
      m.dependencies.filter((d) => d.couldNotResolve).map((d) => `unresolved: ${m.source} -> ${d.module}`),
    );
    // A `reachable` rule reports every module reached; one line per source and lib says it all.
    const ruled = [
      ...new Map(
        result.summary.violations.map((v) => {
          const to = v.via ? (LIB.exec(v.to)?.[0] ?? v.to) : v.to;
          const line = `${v.rule.name}: ${v.from} -> ${to}${v.via ? ` (via ${v.via.map((s) => s.name).join(' -> ')})` : ''}`;
          return [`${v.rule.name} ${v.from} ${to}`, line] as const;
        }),
      ).values(),
    ];
    const { cycles, edges } = libCycles(result);
    return { violations: [...unresolved, ...ruled, ...cycles, ...adapterExportImports(result)], libEdges: edges };
  } finally {
    process.chdir(cwd);
  }
}

/** Cycles on the graph of libs (a module-level cycle check misses A/x -> B/y -> A/z). */
function libCycles(result: ICruiseResult): { cycles: string[]; edges: number } {
  const graph = new Map<string, Set<string>>();
  for (const module of result.modules) {
    const from = LIB.exec(module.source)?.[1];
    for (const dependency of module.dependencies) {
      const to = LIB.exec(dependency.resolved)?.[1];
      if (from && to && from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  const cycles = new Set<string>();
  const walk = (lib: string, path: string[]) => {
    for (const next of graph.get(lib) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) cycles.add(canonical(path.slice(at)));
      else walk(next, [...path, next]);
    }
  };
  for (const lib of graph.keys()) walk(lib, [lib]);
  const edges = [...graph.values()].reduce((sum, targets) => sum + targets.size, 0);
  return { cycles: [...cycles].map((cycle) => `no-cycles-between-libs: ${cycle}`), edges };
}

/** The same cycle whichever lib it was found from: start at the smallest name. */
const canonical = (cycle: string[]): string => {
  const start = cycle.indexOf([...cycle].sort()[0]!);
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...rotated, rotated[0]].join(' -> ');
};

/** `import { SqliteEventStore } from '@keystream/event-store'` outside runtime, adapters and contracts. */
function adapterExportImports(result: ICruiseResult): string[] {
  const adapterNames = adapterExportsByLib();
  const found: string[] = [];
  for (const { source } of result.modules) {
    if (!/^(apps|libs)\/.*\.ts$/.test(source) || MAY_NAME_ADAPTERS.test(source)) continue;
    const own = LIB.exec(source)?.[1];
    for (const { lib, names } of keystreamImports(join(ROOT, source))) {
      if (lib === own) continue;
      const exported = adapterNames.get(lib) ?? new Set();
      const named = names === '*' ? (exported.size > 0 ? ['*'] : []) : names.filter((name) => exported.has(name));
      for (const name of named) found.push(`adapter-exports-only-through-runtime: ${source} -> @keystream/${lib} { ${name} }`);
    }
  }
  return found;
}

const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

/** What each lib's index re-exports from its own `./adapters/` folder. */
function adapterExportsByLib(): Map<string, Set<string>> {
  const byLib = new Map<string, Set<string>>();
  for (const lib of readdirSync(join(ROOT, 'libs'))) {
    const index = join(ROOT, 'libs', lib, 'src', 'index.ts');
    if (!existsSync(index)) continue;
    let names = new Set<string>();
    for (const statement of parse(index).statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
      const from = (statement.moduleSpecifier as ts.StringLiteral).text;
      if (!from.startsWith('./adapters/')) continue;
      const clause = statement.exportClause;
      const exported = clause && ts.isNamedExports(clause) ? clause.elements.map((e) => e.name.text) : declaredExports(join(dirname(index), from.replace(/\.js$/, '.ts')));
      names = new Set([...names, ...exported]);
    }
    byLib.set(lib, names);
  }
  return byLib;
}

/** Names a module exports by its own declarations (enough for `export *` of an adapter file). */
function declaredExports(file: string): string[] {
  return parse(file).statements.flatMap((statement) => {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) return ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements.map((e) => e.name.text) : [];
    if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.map((d) => d.name.getText());
    const name = (statement as { name?: ts.Identifier }).name;
    return name ? [name.text] : [];
  });
}

/** The names a file takes from each `@keystream/<lib>` (imports and re-exports); '*' for a namespace. */
type Imported = { lib: string; names: string[] | '*' };
function keystreamImports(file: string): Imported[] {
  return parse(file).statements.flatMap((statement): Imported[] => {
    if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier) return [];
    const lib = /^@keystream\/([^/]+)$/.exec((statement.moduleSpecifier as ts.StringLiteral).text)?.[1];
    if (!lib) return [];
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
    if (!bindings) return [{ lib, names: ts.isExportDeclaration(statement) ? ('*' as const) : [] }];
    if (ts.isNamespaceImport(bindings) || ts.isNamespaceExport(bindings)) return [{ lib, names: '*' as const }];
    return [{ lib, names: bindings.elements.map((e) => (e.propertyName ?? e.name).text) }];
  });
}
