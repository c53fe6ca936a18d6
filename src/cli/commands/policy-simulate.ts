import type { Command } from 'commander';
import { ownValue } from '../../domain/data-record.js';
import { InputError } from '../../domain/errors.js';
import { createRng } from '../../domain/rng.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { reachableModels, simulatePolicy, type InjectedFailure, type SimulationSummary } from '../../policy/index.js';
import { type PolicyVersion } from '../../store/repos/policy-repo.js';
import { collect, parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, println, table } from '../output.js';
import { findVersion } from './policy-registry.js';

export function registerPolicySimulate(policy: Command, ctx: CliContext): void {
  policy
    .command('simulate')
    .description('Run the router over synthetic requests with injected failures')
    .requiredOption('-n, --name <name>', 'policy name')
    .requiredOption('--requests <k>', 'how many requests', parseIntOption('--requests'))
    .option('--seed <s>', 'random seed: same seed, same result', '1')
    .option('--metadata <k=v>', 'request metadata, e.g. intent=code; repeatable', collect)
    .option('--input-tokens <n>', 'input tokens per request', parseIntOption('--input-tokens'))
    .option('--fail <model=code:rate>', 'each try of MODEL fails with CODE at RATE (0-1); repeatable', collect)
    .option('--version <v>', 'version number (default: the active one)', parseIntOption('--version'))
    .option('--json', 'print JSON only')
    .addHelpText(
      'after',
      '\nExample: routelab policy simulate -n firstgem --requests 1000 \\\n           --fail virtual-model/google/gemini-2.0-flash=503:1',
    )
    .action(async (opts: SimulateOptions) => {
      if (opts.requests < 1 || opts.requests > 10_000_000) throw new InputError(`--requests: ${opts.requests} is outside 1..10000000`);
      const v = await findVersion(ctx, opts.name, opts.version);
      const summary = simulatePolicy(
        v.spec,
        {
          requests: opts.requests,
          metadata: parseMetadata(opts.metadata ?? []),
          input_tokens: opts.inputTokens ?? 0,
          failures: (opts.fail ?? []).map(parseFailure),
          start_ms: ctx.clock.now(),
        },
        createRng(`simulate:${opts.seed}`),
      );
      if (opts.json) {
        const { requests, served, attempts, failed, blocked } = summary;
        return printJson(ctx, { requests, served, attempts, failed, blocked });
      }
      printSimulation(ctx, v, summary);
    });
}

interface SimulateOptions {
  name: string;
  requests: number;
  seed: string;
  metadata?: string[];
  inputTokens?: number;
  fail?: string[];
  version?: number;
  json?: boolean;
}

/** `k=v`; a value that reads as a JSON number or boolean becomes one, so `$gt` conditions work. */
function parseMetadata(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--metadata: "${pair}" is not key=value`);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = /^(-?\d+(\.\d+)?|true|false)$/.test(raw) ? JSON.parse(raw) : raw;
  }
  return out;
}

/** `MODEL=CODE:RATE`; the model may itself contain `=`, so split at the last one. */
function parseFailure(spec: string): InjectedFailure {
  const eq = spec.lastIndexOf('=');
  const m = /^(\d{3}):(\d*\.?\d+)$/.exec(spec.slice(eq + 1));
  if (eq <= 0 || !m) throw new InputError(`--fail: "${spec}" is not MODEL=CODE:RATE (e.g. openai/gpt-4o=503:0.2)`);
  const status = Number(m[1]);
  const rate = Number(m[2]);
  if (rate < 0 || rate > 1) throw new InputError(`--fail: rate ${rate} in "${spec}" is outside 0..1`);
  if (status < 100 || status > 599) throw new InputError(`--fail: ${status} in "${spec}" is not an HTTP status`);
  return { model: spec.slice(0, eq), status, rate };
}

function printSimulation(ctx: CliContext, v: PolicyVersion, s: SimulationSummary): void {
  note(ctx, `${v.name} version ${v.version}: ${s.requests} simulated requests`);
  const models = [...new Set([...reachableModels(v.spec), ...Object.keys(s.attempts)])];
  const pct = (n: number) => `${((100 * n) / s.requests).toFixed(1)}%`;
  println(
    ctx,
    table(
      ['model', 'served', 'share', 'attempts'],
      models.map((m) => [sanitizeInline(m), ownValue(s.served, m) ?? 0, pct(ownValue(s.served, m) ?? 0), ownValue(s.attempts, m) ?? 0]),
    ),
  );
  println(ctx);
  println(
    ctx,
    `failed ${s.failed} (${pct(s.failed)})  blocked: guardrail ${s.blocked.guardrail}, budget ${s.blocked.budget}  flagged ${s.flagged}${s.skipped ? `  not routed ${s.skipped}` : ''}`,
  );
}
