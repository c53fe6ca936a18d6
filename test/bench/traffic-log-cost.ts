import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { ServedExchange } from '../../src/gateway/served-record.js';
import { createTrafficLog, servedRecordId } from '../../src/gateway/traffic-log.js';
import { openStore } from '../../src/store/db.js';

/**
 * The gateway's traffic log on Postgres: CPU per logged record of the log's Postgres backend, of all
 * postgres processes, of this process, its main thread and the log's worker thread (the thread that
 * appears when the log starts), from /proc ticks (10 ms), not wall time, so that a busy machine
 * counts only what each side spent. One measured run per process, after a warm-up (the worker's
 * start, JIT, the connection); compare two builds by running this in a checkout of each, alternating,
 * several rounds. `tsx test/bench/traffic-log-cost.ts [records]`, Postgres from BENCH_DATABASE_URL
 * (default: database routelab_logbench on 127.0.0.1:5432, created and migrated here). Linux only.
 */
const records = Number(process.argv[2] ?? 40_000);
const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase('postgres://postgres@127.0.0.1:5432', 'routelab_logbench'));

async function benchDatabase(server: string, name: string): Promise<string> {
  const admin = postgres(`${server}/postgres`, { onnotice: () => {} });
  try {
    const [has] = await admin`select 1 as x from pg_database where datname = ${name}`;
    if (!has) await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return `${server}/${name}`;
}

const exchange = (i: number): ServedExchange => ({
  id: servedRecordId(),
  startedAt: Date.now(),
  body: JSON.stringify({
    model: 'policy/bench',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: `question number ${i}: how do I reset my password?` },
    ],
    temperature: 0.2,
    metadata: { intent: i % 2 ? 'billing' : 'support' },
  }),
  project: 'proj',
  key: 'k1',
  status: 200,
  policy: 'bench',
  policyVersion: 1,
  outcome: 'served',
  servedBy: 'm/a',
  output: `answer ${i}: open the settings page`,
  inputTokens: 25,
  outputTokens: 8,
  costUsd: 0.00003,
  attempts: [{ model: 'm/a', status: 200, reason: 'weighted draw', latency_ms: 120 }],
  reasons: ['weighted draw'],
  flagged: false,
  blocked: null,
  propensity: 0.5,
});

/** utime + stime of a /proc …/stat file, in ticks. */
const ticksOf = (path: string): number => {
  try {
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0; // gone meanwhile
  }
};
const pids = (dir: string) => readdirSync(dir).filter((d) => /^\d+$/.test(d));
const isPostgres = (pid: string) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
  } catch {
    return false;
  }
};
const postgresTicks = () =>
  pids('/proc')
    .filter(isPostgres)
    .reduce((n, p) => n + ticksOf(`/proc/${p}/stat`), 0);

const store = await openStore({ url, max: 1 });
const threadsBefore = new Set(pids('/proc/self/task'));
const log = await createTrafficLog({ store, source: 'traffic-log-cost bench', maxBuffer: records + 10_000 });
for (let i = 0; i < 2000; i++) log.log(exchange(i));
await log.flush();
const workerThreads = pids('/proc/self/task').filter((t) => !threadsBefore.has(t));
const backends = await store.rows<{ pid: number }>(
  sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
);
const probe = () => ({
  backend: backends.reduce((n, b) => n + ticksOf(`/proc/${b.pid}/stat`), 0),
  postgres: postgresTicks(),
  process: ticksOf('/proc/self/stat'),
  main: ticksOf(`/proc/self/task/${process.pid}/stat`),
  worker: workerThreads.reduce((n, t) => n + ticksOf(`/proc/self/task/${t}/stat`), 0),
  wallMs: performance.now(),
});

const exchanges = Array.from({ length: records }, (_, i) => exchange(i));
const before = probe();
for (let i = 0; i < records; i++) {
  log.log(exchanges[i] as ServedExchange);
  if (i % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 5)); // a steady arrival, not one burst
}
await log.flush();
const after = probe();
const { written, dropped } = log.stats();
await log.close();
await store.close();
const usPerRecord = (k: keyof typeof before) => Number((((after[k] - before[k]) * (k === 'wallMs' ? 1000 : 10_000)) / records).toFixed(2));
console.log(
  JSON.stringify({
    written,
    dropped,
    backendUs: usPerRecord('backend'),
    postgresUs: usPerRecord('postgres'),
    processUs: usPerRecord('process'),
    mainThreadUs: usPerRecord('main'),
    workerThreadUs: usPerRecord('worker'),
    wallUs: usPerRecord('wallMs'),
  }),
);
