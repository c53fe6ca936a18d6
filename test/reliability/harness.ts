import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { BIN, ROOT, spawnCli, spawnWorkerEntry, WORKER_ENTRY } from '../helpers/cli-bin.js';
import { testContext } from '../helpers/cli-context.js';
import { HANG_MS } from '../helpers/waits.js';

/** Shared plumbing of the reliability scenarios: real processes, real servers, bounded waits. */

// Child processes start the compiled binary and worker entry (test/helpers/cli-bin.ts).
export { BIN, ROOT };
export const WORKER = WORKER_ENTRY;

/** Cleanups registered by a test, run in reverse order by `runCleanups` (call it from afterEach). */
export function cleanupList(): { add(fn: () => Promise<unknown> | unknown): void; run(): Promise<void> } {
  const fns: Array<() => Promise<unknown> | unknown> = [];
  return {
    add: (fn) => void fns.push(fn),
    run: async () => {
      for (const fn of fns.splice(0).reverse()) await fn();
    },
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `routelab-rel-${prefix}-`));
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Poll a condition until it holds; errors while polling (a connection being killed) count as "not yet". */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Retry a query a few times: used by the test's own reads while a scenario kills connections. */
export async function retrying<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** User + system CPU of the CLI process, from the shell's `times` (robust to a loaded machine). */
  cpuMs: number;
}

/** Run the real binary as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const started = Date.now();
  // `times` prints the children's user and system time on its second line: "0m1.531s 0m0.207s".
  const script = 'node "$0" "$@"; rc=$?; times >&3; exit $rc';
  const child = spawn('bash', ['-c', script, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ROUTELAB_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let times = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => (times += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? HANG_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = times.trim().split('\n')[1] ?? '';
      const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
      resolve({ code, signal, stdout, stderr, wallMs: Date.now() - started, cpuMs: Math.round(secs * 1000) });
    });
  });
}

export interface CliProcess {
  pid: number;
  out(): string;
  err(): string;
  /** Resolves with the exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** The real binary as a child process the scenario can watch and kill mid-way (runCli waits for it). */
export function watchCli(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): CliProcess {
  const child = spawnCli(args, { cwd: options.cwd ?? ROOT, env: { ...env, ROUTELAB_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return {
    pid: child.pid as number,
    out: () => out,
    err: () => err,
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
    kill: (signal = 'SIGKILL') => void child.kill(signal),
  };
}

/** A stack trace in output means an unhandled crash reached the user. */
export const hasStackTrace = (text: string) =>
  /^\s+at .+:\d+:\d+\)?$/m.test(text) || /Uncaught|FATAL ERROR|RangeError|Maximum call stack/.test(text);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL the server (a crash). */
  kill(): Promise<void>;
  /** Start it again on the same port (with the same append-only file when persistent). */
  start(): Promise<void>;
  client(): Redis;
  /** SIGSTOP: the port still accepts connections (the kernel does), nothing answers. */
  freeze(): Promise<{ thaw(): void }>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the scenario's own on a free loopback port — never the shared 6379. With
 * `persist`, an append-only file fsynced on every write in a temp dir lets jobs survive a kill -9, as
 * they would on a production Redis with AOF.
 */
export async function startPrivateRedis(options: { persist?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = tempDir('redis');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--protected-mode',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ];
  args.push(...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let proc: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    r.on('error', () => {});
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  };
  const start = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    await until(ping, HANG_MS, `redis-server on ${port}`, 20);
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url,
    kill,
    start,
    client: () => new Redis(url, { maxRetriesPerRequest: null }),
    freeze: async () => {
      const p = proc;
      p?.kill('SIGSTOP');
      return { thaw: () => void p?.kill('SIGCONT') };
    },
    stop: async () => {
      proc?.kill('SIGCONT');
      await kill();
      removeDir(dir);
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  log(): string;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ProducerProcess {
  out(): string;
  err(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(): void;
}

/** `routelab run … --json` as its own process: the producer that waits on the workers, output kept. */
export function spawnProducer(
  env: NodeJS.ProcessEnv,
  seeded: { policy: string; variants: readonly string[]; golden: string },
): ProducerProcess {
  const args = ['run', '--policy', seeded.policy, '--variant', seeded.variants[0] as string, '--golden', seeded.golden, '--json'];
  const child = spawnCli(args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return {
    out: () => out,
    err: () => err,
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
    kill: () => void child.kill('SIGKILL'),
  };
}

/**
 * The outcome every outage scenario wants: the producer exits 0 without a stack trace, its run is
 * completed, and every worker is still up. Returns the producer's summary.
 */
export async function expectProducerCompleted(
  producer: ProducerProcess,
  workers: readonly WorkerProcess[],
): Promise<{ run_id: string; status: string }> {
  const code = await producer.exited;
  const err = producer.err();
  const out = producer.out();
  expect(hasStackTrace(err)).toBe(false);
  expect({ code, err: err.slice(-400) }).toEqual({ code: 0, err: expect.any(String) });
  const summary = JSON.parse(out) as { run_id: string; status: string };
  expect(summary.status).toBe('completed');
  expect(workers.every((w) => w.alive())).toBe(true);
  return summary;
}

/** `workers/worker.ts` as its own process, its stderr (the log) kept for inspection. */
export function spawnWorker(env: NodeJS.ProcessEnv, concurrency = 2): WorkerProcess {
  const child = spawnWorkerEntry(['--concurrency', String(concurrency)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    log: () => log,
    alive,
    kill: async (signal = 'SIGKILL') => {
      if (!alive()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

/** A CLI context over an open store for in-process `main()`, capturing stdout and stderr. */
export function cliContext(store: Store, env: NodeJS.ProcessEnv = {}) {
  return testContext(store, env, { osUser: 'reliability' });
}

export const argv = (...args: string[]) => ['node', 'routelab', ...args];
