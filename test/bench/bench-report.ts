import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** Every benchmark writes one JSON file here; README.md summarises them. */
export const RESULTS_DIR = join(process.cwd(), 'test', 'bench', 'results');

export const writeResult = (name: string, result: object): void => {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, measuredAt: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
};

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
