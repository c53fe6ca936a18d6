import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import postgres from 'postgres';
import { cpus } from 'node:os';
import { createTestDatabase, PG_ADMIN_URL } from '../helpers/stores.js';

/**
 * What the gateway benches share (gateway.bench.ts, gateway-ab.ts): the loopback upstream that
 * answers at once, gateway children, the two load shapes (closed loop at 64 connections, open loop
 * at a fixed rate) and CPU time from /proc. The load generator is a plain node:http keep-alive loop:
 * a tool like autocannon would add a dependency and its own process without measuring anything this
 * loop does not.
 */
const REPLY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench/echo',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

export interface Upstream {
  /** `http://127.0.0.1:<port>/v1` */
  base: string;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(REPLY) });
      res.end(REPLY);
    });
  });
  // Idle sockets stay open while other targets take their turns (node:http's default closes them after 5 s).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { base: `http://127.0.0.1:${port}/v1`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Where load goes: a chat completions URL and the model to ask for there. */
export interface Target {
  url: string;
  model: string;
  agent: Agent;
}

export function directTarget(up: Upstream): Target {
  return { url: `${up.base}/chat/completions`, model: 'bench/echo', agent: newAgent() };
}

const newAgent = () => new Agent({ keepAlive: true, maxSockets: 64 });

export interface Child extends Target {
  child: ChildProcess;
  pid: number;
  /** The child's Postgres database, null without one (the embedded store, or no logging). */
  database: string | null;
  /** Stops the child (stdin closes) and drops its database. */
  stop(): Promise<void>;
}

/**
 * A gateway child (gateway-child.mjs, or the bare proxy) on its own event loop, with a Postgres
 * database of its own when `database` is true. It prints its URL, then serves until stdin closes.
 */
export async function startChild(
  file: string,
  up: Upstream,
  opts: { nodeArgs?: string[]; env?: Record<string, string>; database?: boolean } = {},
): Promise<Child> {
  const db = opts.database ? await createTestDatabase() : null;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), file], {
    env: { ...process.env, ...opts.env, BENCH_UPSTREAM: up.base, ...(db ? { BENCH_DATABASE_URL: db.url } : {}) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // The URL line; anything else a node flag prints on stdout (a trace) is skipped.
    let seen = '';
    const onData = (d: Buffer) => {
      seen += String(d);
      const m = /^http:\/\/\S+$/m.exec(seen);
      if (!m) return;
      child.stdout?.off('data', onData);
      // BENCH_CHILD_STDOUT=<file>: the rest of the child's stdout (a node flag's trace, e.g. --trace-gc) goes there.
      if (process.env.BENCH_CHILD_STDOUT) child.stdout?.pipe(createWriteStream(process.env.BENCH_CHILD_STDOUT, { flags: 'a' }));
      else child.stdout?.resume();
      resolve(m[0]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  const agent = newAgent();
  return {
    url: `${url}/v1/chat/completions`,
    model: 'policy/bench',
    agent,
    child,
    pid: child.pid as number,
    database: db ? new URL(db.url).pathname.slice(1) : null,
    stop: async () => {
      // BENCH_THREADS=1: each of the child's threads' CPU ticks over its life, on stderr.
      if (process.env.BENCH_THREADS)
        process.stderr.write(
          `${file} threads (tid ticks): ${readdirSync(`/proc/${child.pid}/task`)
            .map((t) => `${t} ${cpuTicks(child.pid as number, Number(t))}`)
            .join(', ')}\n`,
        );
      agent.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      await exited;
      await db?.drop();
    },
  };
}

export function post(t: Target, i: number): Promise<void> {
  const body = JSON.stringify({ model: t.model, messages: [{ role: 'user', content: `bench ${i}` }] });
  return new Promise((resolve, reject) => {
    const req = request(
      t.url,
      { method: 'POST', agent: t.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${t.url} answered ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve());
      },
    );
    // A kept-alive socket the child closed while idle (its keep-alive timeout passes while other
    // targets take their turns): sent again once on a new socket, as node:http's docs advise.
    req.on('error', (e: NodeJS.ErrnoException) =>
      req.reusedSocket && e.code === 'ECONNRESET' ? post(t, i).then(resolve, reject) : reject(e),
    );
    req.end(body);
  });
}

/** Requests answered in `seconds` with `connections` requests always outstanding. */
export async function closedLoop(t: Target, connections: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await post(t, done++);
    }),
  );
  return done;
}

/** Latencies (ms, sorted) of requests sent on a fixed schedule of `rate` per second, whatever the replies do. */
export async function openLoop(t: Target, rate: number, seconds: number): Promise<number[]> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(post(t, i).then(() => void latencies.push(performance.now() - sent)));
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** utime + stime of a process (or one of its threads) in clock ticks (100 per second on Linux); NaN where /proc is absent. */
export function cpuTicks(pid: number, thread?: number): number {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/** Context switches (voluntary + not) of one thread; 0 once it has ended. */
export function switchesOf(pid: number, thread: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8');
    const m = /voluntary_ctxt_switches:\s+(\d+)\s+nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status);
    return m ? Number(m[1]) + Number(m[2]) : 0;
  } catch {
    return 0;
  }
}

/** Context switches of a process's threads other than its main one (wake-ups beside the request path). */
export function otherThreadSwitches(pid: number): number {
  let n = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) if (t !== String(pid)) n += switchesOf(pid, Number(t));
  return n;
}

/**
 * CPU ticks of each Postgres server process working for `database` (its backends, found in
 * pg_stat_activity; the server must run on this machine): what the gateway's log costs the
 * database, a part of the machine the gateway's own figures do not show. Subtract two readings
 * with `ticksBetween`.
 */
export async function postgresTicks(database: string): Promise<Map<number, number>> {
  const sql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<
      Array<{ pid: number }>
    >`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
    return new Map(rows.map((r) => [r.pid, cpuTicks(r.pid) || 0]));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Ticks spent between two readings (a process that started in between counts from zero). */
export function ticksBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum;
}

/**
 * How often this machine takes the CPU away from a busy process: one busy loop per core for
 * `ms`, counting gaps of over 0.5 ms between two clock reads (another tenant of the host, the
 * kernel). A request in flight through a proxy meets such a gap on either of its processes; the
 * direct path, all in one process, mostly does not. Context for the latency figures, not a target.
 */
export async function machineStalls(ms = 1000): Promise<{ per_s: number; max_ms: number }> {
  const code = `const end=performance.now()+${ms};let last=performance.now(),n=0,max=0;for(;;){const t=performance.now();const g=t-last;if(g>0.5){n++;if(g>max)max=g}last=t;if(t>end)break}process.stdout.write(JSON.stringify({n,max}))`;
  const runs = await Promise.all(
    cpus().map(
      () =>
        new Promise<{ n: number; max: number }>((resolve, reject) => {
          const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          p.stdout.on('data', (d) => (out += String(d)));
          p.once('exit', () => {
            try {
              resolve(JSON.parse(out) as { n: number; max: number });
            } catch (e) {
              reject(e as Error);
            }
          });
        }),
    ),
  );
  const n = runs.reduce((s, r) => s + r.n, 0);
  return { per_s: Math.round((n * 1000) / ms / runs.length), max_ms: Math.round(Math.max(...runs.map((r) => r.max)) * 100) / 100 };
}
