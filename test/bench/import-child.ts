/**
 * Child process of import.bench.ts: one measurement per process so that maxRSS is that run's own.
 * Prints one JSON line: {ms, lines, maxRssMb, imported?}.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/db.js';
import { importTraffic } from '../../src/traffic/import.js';

const [mode, file] = process.argv.slice(2) as ['baseline' | 'import', string];

async function baseline(): Promise<{ lines: number }> {
  let lines = 0;
  let sink = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const v = JSON.parse(line) as { latency_ms?: number };
    sink += v.latency_ms ?? 0;
    lines++;
  }
  if (sink < 0) console.error(sink);
  return { lines };
}

async function runImport(): Promise<{ lines: number; imported: number }> {
  const url = process.env.BENCH_DATABASE_URL;
  const store = await openStore(url ? { url, max: 2 } : { dataDir: process.env.BENCH_PGLITE_DIR as string });
  try {
    const start = process.hrtime.bigint();
    // The store's own default batch size unless BENCH_IMPORT_BATCH says otherwise.
    const batch = process.env.BENCH_IMPORT_BATCH;
    const s = await importTraffic(store, [file], batch ? { batchSize: Number(batch) } : {});
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { lines: s.imported + s.duplicates + s.quarantined_count, imported: s.imported, ms } as { lines: number; imported: number };
  } finally {
    await store.close();
  }
}

const start = process.hrtime.bigint();
const out = mode === 'baseline' ? await baseline() : await runImport();
const ms = 'ms' in out ? (out as { ms: number }).ms : Number(process.hrtime.bigint() - start) / 1e6;
console.log(JSON.stringify({ ...out, ms, maxRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(1) }));
