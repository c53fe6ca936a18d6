import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one way tests start routelab as a child process: the compiled binary (bin/routelab.js runs
 * dist/, which test/helpers/build-dist.ts builds before the run when the sources are newer), so a
 * start costs no transpiling, and the worker entry compiled to dist/workers/worker.js.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'routelab.js');
export const WORKER_ENTRY = join(ROOT, 'dist', 'workers', 'worker.js');

/** `node bin/routelab.js …args` as a child process. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, ...options });
}

/** The worker entry (`workers/worker.ts`, compiled) as a child process. */
export function spawnWorkerEntry(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [WORKER_ENTRY, ...args], { cwd: ROOT, ...options });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the binary to its end and collect what it printed. */
export function runCliProcess(args: readonly string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A shell command line starting the binary, for tests that drive a terminal (tmux). */
export function cliShellCommand(): string {
  return `node '${BIN.replaceAll("'", `'\\''`)}'`;
}
