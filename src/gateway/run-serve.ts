import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import { parsePolicyTextOrThrow } from '../policy/index.js';
import type { Store } from '../store/db.js';
import { getActiveVersion } from '../store/repos/policy-repo.js';
import { compileUserPatterns, type UserPattern } from '../redact/redact-text.js';
import { parseRedactConfig, REDACT_CONFIG_PATH } from '../redact/redact-config.js';
import { startGateway, type Gateway, type GatewayOptions } from './gateway.js';

export interface ServeFlags {
  host: string;
  port: number;
  allowAnonymous?: boolean;
  shadow?: string;
  shadowRate?: number;
  shadowOf?: string;
  logTraffic: boolean;
  logSampleRate: number;
  reloadMs: number;
  maxBodyBytes: number;
  maxInFlight: number;
  upstreamTimeoutMs: number;
  redactConfig?: string;
}

export interface ServeDeps {
  store: Store;
  env: NodeJS.ProcessEnv;
  /** Structured log lines and notices (stderr in the CLI). */
  write(line: string): void;
  /** Called once listening: resolves when the process is asked to stop (SIGINT / SIGTERM in the CLI). */
  untilStopped(): Promise<unknown>;
}

/**
 * `routelab serve`: resolve the shadow variant, start the gateway, run until stopped, then drain
 * and exit. Upstream keys are read from the environment by name (the catalog's api_key_env).
 */
export async function runServe(flags: ServeFlags, deps: ServeDeps): Promise<void> {
  const gateway = await startServe(flags, deps);
  deps.write(JSON.stringify({ level: 'info', msg: 'listening', url: gateway.url, shared_state: deps.env.REDIS_URL ? 'redis' : 'process' }));
  await deps.untilStopped();
  deps.write(JSON.stringify({ level: 'info', msg: 'draining' }));
  await gateway.close();
  deps.write(JSON.stringify({ level: 'info', msg: 'stopped' }));
}

export async function startServe(flags: ServeFlags, deps: Pick<ServeDeps, 'store' | 'env' | 'write'>): Promise<Gateway> {
  if (flags.shadow === undefined && flags.shadowRate !== undefined) throw new InputError('--shadow-rate needs --shadow VARIANT');
  let shadow: GatewayOptions['shadow'];
  if (flags.shadow !== undefined) {
    const rate = flags.shadowRate ?? 0.05;
    if (!(rate > 0 && rate <= 1)) throw new InputError(`--shadow-rate must be in (0, 1], not ${rate}`);
    const spec = await resolveVariant(deps.store, flags.shadow);
    shadow = { spec, rate, of: flags.shadowOf ?? spec.name, label: flags.shadow };
  }
  return startGateway({
    store: deps.store,
    env: deps.env,
    host: flags.host,
    port: flags.port,
    allowAnonymous: flags.allowAnonymous === true,
    redisUrl: deps.env.REDIS_URL,
    redisPrefix: deps.env.ROUTELAB_GATEWAY_PREFIX ?? 'routelab:gw',
    reloadIntervalMs: flags.reloadMs,
    logTraffic: flags.logTraffic,
    logSampleRate: flags.logSampleRate,
    shadow,
    redactPatterns: loadRedactPatterns(flags.redactConfig),
    maxBodyBytes: flags.maxBodyBytes,
    maxInFlight: flags.maxInFlight,
    upstreamTimeoutMs: flags.upstreamTimeoutMs,
    log: batchedLog(deps.write),
  });
}

/**
 * Request log lines leave in batches, one write per turn of the event loop: stderr on a pipe or a
 * file is written synchronously by Node, and a write per request was a system call on its path.
 */
function batchedLog(write: (line: string) => void): (entry: Record<string, unknown>) => void {
  let lines: string[] = [];
  const flush = () => {
    const out = lines;
    lines = [];
    write(out.join('\n'));
  };
  return (entry) => {
    if (lines.push(JSON.stringify(entry)) === 1) setImmediate(flush);
  };
}

/** The same patterns `traffic import` uses: --redact-config, else .routelab/redact.yaml if present. */
function loadRedactPatterns(explicit: string | undefined): UserPattern[] {
  const file = explicit ?? REDACT_CONFIG_PATH;
  if (!existsSync(file)) {
    if (explicit) throw new InputError(`--redact-config: ${file} does not exist`);
    return [];
  }
  const patterns = parseRedactConfig(readFileSync(file, 'utf8'), file);
  const { errors } = compileUserPatterns(patterns);
  if (errors.length)
    throw new InputError(
      'bad redaction pattern',
      errors.map((message) => ({ file, message })),
    );
  return patterns;
}

/** A policy file, or a registered policy's active version (as `run --variant` reads it). */
async function resolveVariant(store: Store, value: string): Promise<PolicySpec> {
  const looksLikeFile = /\.(ya?ml|json)$/i.test(value) || value.includes('/');
  if (looksLikeFile) {
    if (!existsSync(value)) throw new InputError(`--shadow ${value}: no such file (a registered policy name has no extension or slash)`);
    return parsePolicyTextOrThrow(readFileSync(value, 'utf8'), { file: value }).spec;
  }
  const active = await getActiveVersion(store.db, value);
  if (!active) throw new InputError(`--shadow ${value}: no such policy (routelab policy list)`);
  return active.spec;
}
