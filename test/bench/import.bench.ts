/**
 * Traffic import throughput and memory. Generates an OpenAI chat JSONL file (BENCH_IMPORT_LINES,
 * default 1,000,000) in a temp dir; measures in a child process each (so peak RSS is the import's
 * own): a plain read-lines + JSON.parse of the file (the baseline), then `importTraffic` into a
 * new store — Postgres when BENCH_IMPORT_STORE=postgres (default), else a temp-dir PGlite — each
 * BENCH_IMPORT_RUNS (default 3) times, alternating, keeping each side's fastest run.
 * Figures: lines/s of the import as a ratio to the baseline (target >= 0.3), peak RSS of the
 * import process (target <= 300 MB), and the redactor's cost per line next to JSON.parse of the same
 * lines in this process (target <= 1x; redaction-cost.ts).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { result, type BenchResult } from './harness.js';
import { redactionCost } from './redaction-cost.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Runs of each side (BENCH_IMPORT_RUNS, default 3). */
const RUNS = Math.max(1, Number(process.env.BENCH_IMPORT_RUNS ?? 3));
const INTENTS = ['chat', 'code', 'sql', 'support', 'translate'];

async function generate(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < lines; i++) {
    const intent = INTENTS[i % INTENTS.length] as string;
    const line = JSON.stringify({
      timestamp: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      latency_ms: 200 + (i % 700),
      metadata: { intent, project: 'storefront', user: `u-${i % 997}` },
      request: {
        model: i % 3 ? 'gpt-4o-mini' : 'gpt-4o',
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'You are a helpful assistant for a bike shop. Answer briefly.' },
          { role: 'user', content: `Question ${i} about ${intent}: how long does delivery to postcode ${10000 + (i % 89999)} take?` },
        ],
      },
      response: {
        id: `chatcmpl-${i}`,
        object: 'chat.completion',
        created: 1763626502 + i,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [
          { index: 0, message: { role: 'assistant', content: `Delivery takes ${1 + (i % 5)} working days.` }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 40 + (i % 13), completion_tokens: 8 + (i % 7), total_tokens: 48 + (i % 20) },
      },
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface ChildFigures {
  ms: number;
  lines: number;
  maxRssMb: number;
  imported?: number;
}

function child(mode: 'baseline' | 'import', file: string, env: NodeJS.ProcessEnv): ChildFigures {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'import-child.ts'), mode, file], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildFigures;
}

export default async function importBench(): Promise<BenchResult[]> {
  const lines = Number(process.env.BENCH_IMPORT_LINES ?? 1_000_000);
  const storeKind = process.env.BENCH_IMPORT_STORE ?? 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-import-'));
  const file = join(dir, 'chat.jsonl');
  const drops: Array<() => Promise<void>> = [];
  try {
    await generate(file, lines);
    const bytes = statSync(file).size;
    /** A new, empty store for each import run: a second run into the same one would be all duplicates. */
    const freshStore = async (run: number): Promise<NodeJS.ProcessEnv> => {
      if (storeKind !== 'postgres') return { BENCH_PGLITE_DIR: join(dir, `pglite-${run}`) };
      const { createTestDatabase } = await import('../helpers/stores.js');
      const dbase = await createTestDatabase();
      drops.push(dbase.drop);
      return { BENCH_DATABASE_URL: dbase.url };
    };
    // Alternating runs, the faster of each side kept: this shared machine's load drifts by more
    // than 10% within a minute, and both sides get the same chances.
    const bases: ChildFigures[] = [];
    const imps: ChildFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      bases.push(child('baseline', file, {}));
      imps.push(child('import', file, await freshStore(run)));
    }
    const cost = await redactionCost(file, Math.min(lines, 20_000));
    const fastest = (xs: ChildFigures[]) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const base = fastest(bases);
    const imp = { ...fastest(imps), maxRssMb: Math.max(...imps.map((r) => r.maxRssMb)) };
    const baseRate = (base.lines / base.ms) * 1000;
    const impRate = (imp.lines / imp.ms) * 1000;
    const details = {
      lines,
      file_mb: +(bytes / 1048576).toFixed(1),
      store: storeKind,
      runs: RUNS,
      baseline_ms: Math.round(base.ms),
      import_ms: Math.round(imp.ms),
      baseline_ms_each: bases.map((r) => Math.round(r.ms)),
      import_ms_each: imps.map((r) => Math.round(r.ms)),
      imported: imp.imported,
      baseline_rss_mb: base.maxRssMb,
    };
    return [
      result({
        name: 'traffic-import-throughput',
        value: impRate,
        baseline: baseRate,
        ratio: impRate / baseRate,
        target: 'ratio >= 0.3',
        unit: 'lines/s (import vs read + JSON.parse)',
        passed: impRate / baseRate >= 0.3,
        details,
      }),
      result({
        name: 'traffic-redaction-cost',
        value: cost.redactUsPerLine,
        baseline: cost.parseUsPerLine,
        ratio: cost.redactUsPerLine / cost.parseUsPerLine,
        target: 'ratio <= 1',
        unit: 'µs per line (redacting the parsed line vs JSON.parse of it)',
        passed: cost.redactUsPerLine <= cost.parseUsPerLine,
        details: { lines: cost.lines },
      }),
      result({
        name: 'traffic-import-peak-rss',
        value: imp.maxRssMb,
        baseline: base.maxRssMb,
        ratio: imp.maxRssMb,
        target: 'peak RSS <= 300 MB',
        unit: 'MB',
        passed: imp.maxRssMb <= 300,
        details,
      }),
    ];
  } finally {
    for (const drop of drops) await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
