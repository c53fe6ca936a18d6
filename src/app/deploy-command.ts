import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { InputError } from '../domain/errors.js';

/**
 * The user's deploy command (ROUTELAB_PROMOTE_COMMAND), run by promote and rollback:
 * - no shell; its environment is an allow-list: PROMOTE_ENV_BASE, the names listed in
 *   ROUTELAB_PROMOTE_ENV, and ROUTELAB_PROMOTE_FILE (the export). DATABASE_URL, REDIS_URL,
 *   ROUTELAB_* and the catalog's provider key variables can never be passed;
 * - a timeout (ROUTELAB_PROMOTE_TIMEOUT seconds, default 300), after which it is killed;
 * - it never outlives routelab: a small supervisor holds the command in its own process group and
 *   kills the group when routelab's end of its stdin pipe closes — which the kernel does when
 *   routelab exits for any reason, SIGKILL included.
 */

export const PROMOTE_ENV_BASE = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'] as const;
const NEVER = /^(DATABASE_URL|REDIS_URL|ROUTELAB_.*)$/;
const DEFAULT_TIMEOUT_S = 300;

/** `host:pid` of this process, as recorded on a journal row it owns. */
export const processOwner = (): string => `${hostname()}:${process.pid}`;

/** Whether the process recorded as `owner` still runs (another host's owner is presumed alive). */
export function ownerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const i = owner.lastIndexOf(':');
  if (owner.slice(0, i) !== hostname()) return true;
  const pid = Number(owner.slice(i + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command's environment; refuses (before anything changes) a name that must never be passed. */
export function deployEnv(env: NodeJS.ProcessEnv, providerKeyVars: readonly string[], file: string): NodeJS.ProcessEnv {
  const extra = (env.ROUTELAB_PROMOTE_ENV ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const refused = extra.filter((n) => NEVER.test(n) || providerKeyVars.includes(n));
  if (refused.length)
    throw new InputError(
      `ROUTELAB_PROMOTE_ENV: ${refused.join(', ')} may not be passed to the deploy command (database, queue, routelab and provider key variables never are)`,
    );
  const out: NodeJS.ProcessEnv = {};
  for (const name of [...PROMOTE_ENV_BASE, ...extra]) if (env[name] !== undefined) out[name] = env[name];
  out.ROUTELAB_PROMOTE_FILE = file;
  return out;
}

export function deployTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.ROUTELAB_PROMOTE_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIMEOUT_S * 1000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new InputError(`ROUTELAB_PROMOTE_TIMEOUT: "${raw}" is not a positive number of seconds`);
  return s * 1000;
}

// Runs in its own node process: the command in a new process group; EOF on stdin (routelab gone,
// or asking it to stop) kills that group.
const SUPERVISOR = `
const { spawn } = require('node:child_process');
const [cmd, ...args] = process.argv.slice(1);
const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
const stop = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} process.exit(137); };
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
child.on('error', (e) => { process.stderr.write(String(e.message)); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code === null ? 128 : code));
`;

export interface DeployResult {
  code: number;
  output: string;
  timedOut: boolean;
}

/** Run argv under the supervisor; resolve with the exit code and the output's tail. */
export function runDeployCommand(argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DeployResult> {
  return new Promise((done) => {
    if (argv.length === 0 || !argv[0]) return done({ code: 1, output: 'empty command', timedOut: false });
    const child = spawn(process.execPath, ['-e', SUPERVISOR, '--', ...argv], { shell: false, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      timedOut = true;
      child.stdin.end();
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ code: 127, output: e.message, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), output, timedOut });
    });
  });
}

/**
 * Split a command line into argv without a shell: whitespace separates, single and double quotes
 * group, backslash escapes the next character outside single quotes. No globbing, no expansion.
 */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) args.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new InputError(`ROUTELAB_PROMOTE_COMMAND: unbalanced ${quote} quote`);
  if (has) args.push(cur);
  return args;
}
