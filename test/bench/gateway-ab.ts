/**
 * Interleaved A/B of gateway children, for a machine other processes share: every child is started
 * at once (each with its own Postgres database, logging on unless BENCH_LOG=0), then they take turns
 * in short closed-loop slices (64 connections) against one loopback upstream, so load from outside
 * falls on all of them alike. Prints each child's main-thread and process CPU per request.
 *   npx tsx test/bench/gateway-ab.ts <child.mjs>[::<node flags>] ...
 * e.g. a build of another commit's test/bench/gateway-child.mjs beside this one's, or
 * `test/bench/gateway-child.mjs::--max-semi-space-size=64`. AB_SLICES (default 12), AB_SLICE_S (0.6).
 * AB_MODE=latency: open-loop slices at AB_RATE requests/s (default 1,000) instead, each child's
 * latencies pooled over its slices; prints p50/p90/p99 and main-thread CPU per request. The spec
 * `direct` is the upstream called from this process (the bench's baseline), for the added latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createTestDatabase } from '../helpers/stores.js';

const SLICES = Number(process.env.AB_SLICES ?? 12);
const SLICE_S = Number(process.env.AB_SLICE_S ?? 0.6);
const LATENCY = process.env.AB_MODE === 'latency';
const RATE = Number(process.env.AB_RATE ?? 1000);
const REPLY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench/echo',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

interface Kid {
  spec: string;
  child: ChildProcess | null;
  url: string;
  agent: Agent;
  drop: () => Promise<void>;
  ticks: number;
  mainTicks: number;
  served: number;
  latencies: number[];
  /** Context switches (voluntary + not) of the process's threads other than the main one. */
  switches: number;
  mainSwitches: number;
}

const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(REPLY) });
    res.end(REPLY);
  });
});
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/v1`;

const kids: Kid[] = [];
for (const spec of process.argv.slice(2)) kids.push(await start(spec));
for (const k of kids) if (process.env.AB_WARM !== '0') await closedLoop(k, 1);
if (LATENCY) for (const k of kids) await openLoop(k, 1);
for (let i = 0; i < SLICES; i++) {
  for (const k of i % 2 ? [...kids].reverse() : kids) {
    const pid = k.child?.pid ?? process.pid;
    const [all, main, sw] = [cpuTicks(pid), cpuTicks(pid, pid), otherThreadSwitches(pid)];
    const mainSw = switchesOf(pid, pid);
    k.served += LATENCY ? await openLoop(k, SLICE_S) : await closedLoop(k, SLICE_S);
    k.ticks += cpuTicks(pid) - all;
    k.mainTicks += cpuTicks(pid, pid) - main;
    k.switches += otherThreadSwitches(pid) - sw;
    k.mainSwitches += switchesOf(pid, pid) - mainSw;
  }
}
const us = (ticks: number, n: number) => Math.round((ticks * 10_000) / n);
const ms = (a: number[], q: number) => (a[Math.min(a.length - 1, Math.floor(q * a.length))] ?? NaN).toFixed(3);
for (const k of kids) {
  const lat = LATENCY ? k.latencies.sort((a, b) => a - b) : [];
  console.log(
    `${k.spec}: main thread ${us(k.mainTicks, k.served)} µs/request, process ${us(k.ticks, k.served)} µs/request, ` +
      (LATENCY
        ? `switches/request main ${(k.mainSwitches / k.served).toFixed(2)} others ${(k.switches / k.served).toFixed(2)}, ` +
          `p50 ${ms(lat, 0.5)} p90 ${ms(lat, 0.9)} p99 ${ms(lat, 0.99)} ms (${lat.length})`
        : `${Math.round(k.served / (SLICES * SLICE_S))} requests/s`),
  );
}
for (const k of kids) {
  k.agent.destroy();
  k.child?.stdin?.end();
  if (k.child) await new Promise((r) => k.child?.once('exit', r));
  await k.drop();
}
upstream.close();
process.exit(0);

async function start(spec: string): Promise<Kid> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const none = { ticks: 0, mainTicks: 0, served: 0, latencies: [], switches: 0, mainSwitches: 0 };
  if (spec === 'direct')
    return { spec, child: null, url: `${upstreamUrl}/chat/completions`, agent, drop: () => Promise.resolve(), ...none };
  // <file>::<node flags>::<VAR=value ...> (e.g. `::::BENCH_LOG=0`)
  const [file, flags, vars] = spec.split('::') as [string, string | undefined, string | undefined];
  const env = Object.fromEntries(
    (vars ?? '')
      .split(' ')
      .filter(Boolean)
      .map((v) => v.split('=', 2) as [string, string]),
  );
  const db = (env.BENCH_LOG ?? process.env.BENCH_LOG) === '0' ? null : await createTestDatabase();
  const child = spawn(process.execPath, [...(flags ? flags.split(' ') : []), file], {
    env: { ...process.env, ...env, BENCH_UPSTREAM: upstreamUrl, ...(db ? { BENCH_DATABASE_URL: db.url } : {}) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (d) => {
      seen += String(d);
      const m = /^http:\/\/\S+$/m.exec(seen);
      if (m) resolve(`${m[0]}/v1/chat/completions`);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { spec, child, url, agent, drop: () => db?.drop() ?? Promise.resolve(), ...none };
}

/** Requests sent on a fixed schedule of RATE per second for `seconds`; their latencies (ms) go to k.latencies. */
async function openLoop(k: Kid, seconds: number): Promise<number> {
  const total = Math.round(RATE * seconds);
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      post(k.url, k.agent, i, k.child ? 'policy/bench' : 'bench/echo').then(() => void k.latencies.push(performance.now() - sent)),
    );
  }
  await Promise.all(pending);
  return total;
}

/** Requests answered in `seconds` with 64 always outstanding. */
async function closedLoop({ url, agent, child }: Kid, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        await post(url, agent, done, child ? 'policy/bench' : 'bench/echo');
        done++;
      }
    }),
  );
  return done;
}

function post(url: string, agent: Agent, i: number, model = 'policy/bench'): Promise<void> {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: `bench ${i}` }] });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve());
      },
    );
    // A kept-alive socket the child closed while idle (its keep-alive timeout passes while other
    // children take their turns): sent again once on a new socket, as node:http's docs advise.
    req.on('error', (e: NodeJS.ErrnoException) =>
      req.reusedSocket && e.code === 'ECONNRESET' ? post(url, agent, i, model).then(resolve, reject) : reject(e),
    );
    req.end(body);
  });
}

/** utime + stime of a process or one of its threads, in clock ticks (1/100 s). */
function cpuTicks(pid: number, thread?: number): number {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Context switches of a process's threads other than its main one (wake-ups beside the request path). */
function otherThreadSwitches(pid: number): number {
  let n = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) if (t !== String(pid)) n += switchesOf(pid, Number(t));
  return n;
}

function switchesOf(pid: number, thread: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8');
    const m = /voluntary_ctxt_switches:\s+(\d+)\s+nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status);
    return m ? Number(m[1]) + Number(m[2]) : 0;
  } catch {
    return 0; // the thread ended
  }
}
