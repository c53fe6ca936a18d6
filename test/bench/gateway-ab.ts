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
import {
  closedLoop,
  cpuTicks,
  directTarget,
  openLoop,
  otherThreadSwitches,
  startChild,
  startUpstream,
  switchesOf,
  type Target,
} from './gateway-load.js';

const SLICES = Number(process.env.AB_SLICES ?? 12);
const SLICE_S = Number(process.env.AB_SLICE_S ?? 0.6);
const LATENCY = process.env.AB_MODE === 'latency';
const RATE = Number(process.env.AB_RATE ?? 1000);

interface Kid {
  spec: string;
  target: Target;
  /** The child's pid; this process's for `direct`. */
  pid: number;
  stop: () => Promise<void>;
  ticks: number;
  mainTicks: number;
  served: number;
  latencies: number[];
  /** Context switches (voluntary + not) of the process's threads other than the main one. */
  switches: number;
  mainSwitches: number;
}

const up = await startUpstream();
const kids: Kid[] = [];
for (const spec of process.argv.slice(2)) kids.push(await start(spec));
for (const k of kids) if (process.env.AB_WARM !== '0') await closedLoop(k.target, 64, 1);
if (LATENCY) for (const k of kids) await openLoop(k.target, RATE, 1);
for (let i = 0; i < SLICES; i++) {
  for (const k of i % 2 ? [...kids].reverse() : kids) {
    const pid = k.pid;
    const [all, main, sw] = [cpuTicks(pid), cpuTicks(pid, pid), otherThreadSwitches(pid)];
    const mainSw = switchesOf(pid, pid);
    if (LATENCY) {
      const lat = await openLoop(k.target, RATE, SLICE_S);
      for (const l of lat) k.latencies.push(l);
      k.served += lat.length;
    } else k.served += await closedLoop(k.target, 64, SLICE_S);
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
for (const k of kids) await k.stop();
await up.close();
process.exit(0);

async function start(spec: string): Promise<Kid> {
  const none = { ticks: 0, mainTicks: 0, served: 0, latencies: [], switches: 0, mainSwitches: 0 };
  if (spec === 'direct') return { spec, target: directTarget(up), pid: process.pid, stop: () => Promise.resolve(), ...none };
  // <file>::<node flags>::<VAR=value ...> (e.g. `::::BENCH_LOG=0`)
  const [file, flags, vars] = spec.split('::') as [string, string | undefined, string | undefined];
  const env = Object.fromEntries(
    (vars ?? '')
      .split(' ')
      .filter(Boolean)
      .map((v) => v.split('=', 2) as [string, string]),
  );
  const child = await startChild(file, up, {
    nodeArgs: flags ? flags.split(' ') : [],
    env,
    database: (env.BENCH_LOG ?? process.env.BENCH_LOG) !== '0',
  });
  return { spec, target: child, pid: child.pid, stop: child.stop, ...none };
}
