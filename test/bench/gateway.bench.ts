import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import buildDist from '../helpers/build-dist.js';
import { result, type BenchResult } from './harness.js';

/**
 * The gateway against a loopback upstream that answers at once, measured in the same run as the
 * upstream called directly. The gateway runs in a child process (its own event loop, as `routelab
 * serve` does); this process is the upstream and the load generator in both measurements, so the
 * comparison charges the gateway only for itself. Logging back is on, as it is by default, into
 * a temporary Postgres database (BENCH_GATEWAY_STORE=pglite for the embedded store).
 * - throughput: 64 keep-alive connections, closed loop, for BENCH_GATEWAY_SECONDS (default 3);
 *   target gateway ÷ direct ≥ 0.5.
 * - added latency at 1,000 req/s (open loop, requests paced on a fixed schedule): p50 ≤ 0.5 ms,
 *   p99 ≤ 2 ms over direct.
 * The load generator is a plain node:http keep-alive loop: a tool like autocannon would add a
 * dependency and its own process without measuring anything this loop does not.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_GATEWAY_SECONDS ?? 3);
const LATENCY_ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 2);
const REPLY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench/echo',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

export default async function gatewayBench(): Promise<BenchResult[]> {
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(REPLY) });
      res.end(REPLY);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const port = (upstream.address() as { port: number }).port;
  // Postgres by default, as instances behind a load balancer share it; BENCH_GATEWAY_STORE=pglite
  // runs the embedded store inside the gateway's own thread (its log writes then share the CPU).
  const storeKind = process.env.BENCH_GATEWAY_STORE ?? 'postgres';
  const dbase = storeKind === 'postgres' ? await (await import('../helpers/stores.js')).createTestDatabase() : null;
  // BENCH_GATEWAY_CPU_PROF=<dir>: a V8 CPU profile of the gateway process (node --cpu-prof).
  const prof = process.env.BENCH_GATEWAY_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GATEWAY_CPU_PROF}`] : [];
  // BENCH_GATEWAY_NODE_ARGS: more node flags for the gateway child (e.g. `--log-deopt --logfile=/tmp/v8.log`).
  prof.push(...(process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean));
  // BENCH_GATEWAY_CHILD=<file>: another child in the gateway's place (gateway-bare-child.mjs: a bare node:http proxy).
  buildDist(); // the child runs dist/, as `routelab serve` does: rebuilt here when a source is newer
  const child = spawn(process.execPath, [...prof, process.env.BENCH_GATEWAY_CHILD ?? join(here, 'gateway-child.mjs')], {
    env: { ...process.env, BENCH_UPSTREAM: `http://127.0.0.1:${port}/v1`, ...(dbase ? { BENCH_DATABASE_URL: dbase.url } : {}) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const gatewayUrl = await new Promise<string>((resolve, reject) => {
      // The URL line; anything else a node flag prints on stdout (a trace) is skipped.
      let seen = '';
      const onData = (d: Buffer) => {
        seen += String(d);
        const url = /^http:\/\/\S+$/m.exec(seen);
        if (!url) return;
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(url[0]);
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`gateway child exited with ${code}`)));
    });
    const direct = { url: `http://127.0.0.1:${port}/v1/chat/completions`, model: 'bench/echo' };
    const gateway = { url: `${gatewayUrl}/v1/chat/completions`, model: 'policy/bench' };
    // Warm both paths (JIT, pooled sockets), then measure each twice, alternating, keeping the best.
    await closedLoop(gateway, 64, 0.5);
    await closedLoop(direct, 64, 0.5);
    let directRps = 0;
    let gatewayRps = 0;
    // The gateway's own CPU per request (user + system, from /proc): unlike a throughput ratio it
    // hardly depends on how much of the machine other processes take.
    let cpuTicks = 0;
    // Its main thread's alone (the traffic log's worker thread runs beside it): the one that sets the pace.
    let mainTicks = 0;
    let served = 0;
    // This process's CPU per request when it is both the client and the upstream (direct): what one
    // request costs the load generator and upstream, the same work it does in the gateway rounds.
    let directCpuUs = 0;
    let directServed = 0;
    for (let i = 0; i < 2; i++) {
      const c0 = process.cpuUsage();
      const d0 = performance.now();
      const drps = await closedLoop(direct, 64, SECONDS / 2);
      const dc = process.cpuUsage(c0);
      directCpuUs += dc.user + dc.system;
      directServed += drps * ((performance.now() - d0) / 1000);
      directRps = Math.max(directRps, drps);
      const before = cpuTicksOf(child.pid);
      const mainBefore = cpuTicksOf(child.pid, child.pid);
      const t0 = performance.now();
      const rps = await closedLoop(gateway, 64, SECONDS / 2);
      cpuTicks += cpuTicksOf(child.pid) - before;
      mainTicks += cpuTicksOf(child.pid, child.pid) - mainBefore;
      served += rps * ((performance.now() - t0) / 1000);
      gatewayRps = Math.max(gatewayRps, rps);
    }
    const perRequest = (ticks: number) => (served > 0 && Number.isFinite(ticks) ? Math.round((ticks * 10_000) / served) : null);
    const cpuUsPerRequest = perRequest(cpuTicks);
    const mainCpuUsPerRequest = perRequest(mainTicks);
    // Latency at 1,000 req/s: alternating rounds, each side's best round by p99 (the machine is shared).
    let directLat: number[] = [];
    let gatewayLat: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      directLat = bestByP99(directLat, await openLoop(direct, 1000, SECONDS));
      gatewayLat = bestByP99(gatewayLat, await openLoop(gateway, 1000, SECONDS));
    }
    const added = (q: number) => Math.max(0, quantile(gatewayLat, q) - quantile(directLat, q));
    const ratio = gatewayRps / directRps;
    const directCpuPerRequest = directServed > 0 ? Math.round(directCpuUs / directServed) : null;
    const details = {
      store: storeKind,
      gateway_cpu_us_per_request: cpuUsPerRequest,
      gateway_main_thread_cpu_us_per_request: mainCpuUsPerRequest,
      // Client + upstream CPU per request in this process. When both processes are CPU-bound with a
      // core each (a quiet machine), the throughput ratio tends to direct ÷ gateway CPU per request,
      // a figure the other processes on the machine move much less than the ratio itself. The
      // gateway's main thread sets its pace (its log worker has the other core's spare time).
      direct_cpu_us_per_request: directCpuPerRequest,
      cpu_ratio: mainCpuUsPerRequest && directCpuPerRequest ? Math.round((100 * directCpuPerRequest) / mainCpuUsPerRequest) / 100 : null,
      logging: process.env.BENCH_LOG !== '0',
      seconds: SECONDS,
      directRps: Math.round(directRps),
      gatewayRps: Math.round(gatewayRps),
      direct_p50_ms: quantile(directLat, 0.5),
      direct_p99_ms: quantile(directLat, 0.99),
      gateway_p50_ms: quantile(gatewayLat, 0.5),
      gateway_p99_ms: quantile(gatewayLat, 0.99),
      samples: gatewayLat.length,
    };
    return [
      result({
        name: 'gateway-throughput',
        value: gatewayRps,
        baseline: directRps,
        ratio,
        target: 'ratio >= 0.5 (64 connections)',
        unit: 'requests/s',
        passed: ratio >= 0.5,
        details,
      }),
      result({
        name: 'gateway-added-latency-p50',
        value: added(0.5),
        baseline: quantile(directLat, 0.5),
        ratio: added(0.5),
        target: 'added p50 <= 0.5 ms at 1,000 req/s',
        unit: 'ms',
        passed: added(0.5) <= 0.5,
        details,
      }),
      result({
        name: 'gateway-added-latency-p99',
        value: added(0.99),
        baseline: quantile(directLat, 0.99),
        ratio: added(0.99),
        target: 'added p99 <= 2 ms at 1,000 req/s',
        unit: 'ms',
        passed: added(0.99) <= 2,
        details,
      }),
    ];
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => upstream.close(r));
    await dbase?.drop();
  }
}

interface Target {
  url: string;
  model: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(t: Target, i: number): Promise<void> {
  const body = JSON.stringify({ model: t.model, messages: [{ role: 'user', content: `bench ${i}` }] });
  return new Promise((resolve, reject) => {
    const req = request(
      t.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${t.url} answered ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Requests per second with `connections` requests always outstanding. */
async function closedLoop(t: Target, connections: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await post(t, done++);
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

/** Latencies (ms) of requests sent on a fixed schedule of `rate` per second, whatever the replies do. */
async function openLoop(t: Target, rate: number, seconds: number): Promise<number[]> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(post(t, i).then(() => void latencies.push(performance.now() - sent)));
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

/** utime + stime of a process (or one of its threads) in clock ticks (100 per second on Linux); NaN where /proc is absent. */
function cpuTicksOf(pid: number | undefined, thread?: number): number {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

function bestByP99(a: number[], b: number[]): number[] {
  return a.length === 0 || quantile(b, 0.99) < quantile(a, 0.99) ? b : a;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
