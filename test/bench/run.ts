/**
 * `npm run bench`: runs every test/bench/*.bench.ts (or those named on the command line), prints a
 * table and writes one reports/bench/<name>.json per result. Figures are ratios against a baseline
 * measured in the same run, because these machines are noisy.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(root, 'reports', 'bench');
mkdirSync(outDir, { recursive: true });

const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const all: BenchResult[] = [];
let failedToRun = 0;
for (const file of files) {
  process.stderr.write(`running ${file}…\n`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<BenchResult | BenchResult[]> };
    const out = await mod.default();
    for (const r of Array.isArray(out) ? out : [out]) {
      all.push(r);
      writeFileSync(join(outDir, `${r.name}.json`), `${JSON.stringify(r, null, 2)}\n`);
    }
  } catch (e) {
    failedToRun++;
    process.stderr.write(`  ${basename(file)} failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  }
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? n.toExponential(2) : n.toPrecision(3));
const rows = all.map((r) => [r.name, fmt(r.value), fmt(r.baseline), fmt(r.ratio), r.target, r.passed ? 'yes' : 'NO']);
const headers = ['benchmark', 'value', 'baseline', 'ratio', 'target', 'ok'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(line(headers));
for (const r of rows) console.log(line(r));
console.log(`\n${all.filter((r) => r.passed).length}/${all.length} targets met; results in reports/bench/`);
if (failedToRun) process.exitCode = 1;
