/**
 * Interleaved A/B of gateway children, for a machine other processes share: every child is started
 * at once (each with its own Postgres database, logging on unless BENCH_LOG=0), then they take turns
 * in short closed-loop slices (64 connections) against one loopback upstream, so load from outside
 * falls on all of them alike. Prints each child's main-thread and process CPU per request.
 *   npx tsx test/bench/gateway-ab.ts <child.mjs>[::<node flags>] ...
 * e.g. a build of another commit's test/bench/gateway-child.mjs beside this one's, or
 * `test/bench/gateway-child.mjs::--max-semi-space-size=64`. AB_SLICES (default 12), AB_SLICE_S (0.6).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createTestDatabase } from '../helpers/stores.js';

const SLICES = Number(process.env.AB_SLICES ?? 12);
const SLICE_S = Number(process.env.AB_SLICE_S ?? 0.6);
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
  child: ChildProcess;
  url: string;
  agent: Agent;
  drop: () => Promise<void>;
  ticks: number;
  mainTicks: number;
  served: number;
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
for (const k of kids) await closedLoop(k, 1);
for (let i = 0; i < SLICES; i++) {
  for (const k of i % 2 ? [...kids].reverse() : kids) {
    const pid = k.child.pid as number;
    const [all, main] = [cpuTicks(pid), cpuTicks(pid, pid)];
    k.served += await closedLoop(k, SLICE_S);
    k.ticks += cpuTicks(pid) - all;
    k.mainTicks += cpuTicks(pid, pid) - main;
  }
}
const us = (ticks: number, n: number) => Math.round((ticks * 10_000) / n);
for (const k of kids)
  console.log(
    `${k.spec}: main thread ${us(k.mainTicks, k.served)} µs/request, process ${us(k.ticks, k.served)} µs/request, ` +
      `${Math.round(k.served / (SLICES * SLICE_S))} requests/s`,
  );
for (const k of kids) {
  k.agent.destroy();
  k.child.stdin?.end();
  await new Promise((r) => k.child.once('exit', r));
  await k.drop();
}
upstream.close();
process.exit(0);

async function start(spec: string): Promise<Kid> {
  const [file, flags] = spec.split('::') as [string, string | undefined];
  const db = process.env.BENCH_LOG === '0' ? null : await createTestDatabase();
  const child = spawn(process.execPath, [...(flags ? flags.split(' ') : []), file], {
    env: { ...process.env, BENCH_UPSTREAM: upstreamUrl, ...(db ? { BENCH_DATABASE_URL: db.url } : {}) },
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
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return { spec, child, url, agent, drop: () => db?.drop() ?? Promise.resolve(), ticks: 0, mainTicks: 0, served: 0 };
}

/** Requests answered in `seconds` with 64 always outstanding. */
async function closedLoop({ url, agent }: Kid, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        await post(url, agent, done);
        done++;
      }
    }),
  );
  return done;
}

function post(url: string, agent: Agent, i: number): Promise<void> {
  const body = JSON.stringify({ model: 'policy/bench', messages: [{ role: 'user', content: `bench ${i}` }] });
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
    req.on('error', reject);
    req.end(body);
  });
}

/** utime + stime of a process or one of its threads, in clock ticks (1/100 s). */
function cpuTicks(pid: number, thread?: number): number {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
