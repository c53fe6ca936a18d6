// Over 300 lines (to split next session): the policy subcommands share one flag parser and printer.
import { ownValue } from '../../domain/data-record.js';
import { statSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { InputError, NotFoundError, type Issue } from '../../domain/errors.js';
import { readCapped } from '../../providers/read-capped.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { createRng } from '../../domain/rng.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import {
  checkPolicySpec,
  ExportFormat,
  exportPolicy,
  policyDocumentYaml,
  MAX_POLICY_BYTES,
  parsePolicyTextOrThrow,
  PolicyFormat,
  reachableModels,
  simulatePolicy,
  type InjectedFailure,
  type SimulationSummary,
} from '../../policy/index.js';
import {
  addPolicyVersion,
  getActiveVersion,
  getPolicyVersion,
  listPolicies,
  policyHistory,
  removePolicy,
  type PolicyVersion,
} from '../../store/repos/policy-repo.js';
import { collect, collectInt, parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, printList, println, table } from '../output.js';

const SEMANTICS = `
Semantics (the watsonx Orchestrate model-policy YAML, Portkey reading):
  --retry-attempts K   retries AFTER the first try (K=1: up to 2 tries a model)
                       on --retry-on-code codes (default 429 500 502 503 504)
  --strategy-on-code   codes that move on: fallback → next model in order;
                       loadbalance → redraw among the models left, by weight.
                       Fallback with none listed moves on after any non-2xx.
Adding or importing an existing name creates a new, active version.`;

/** `routelab policy ...`: the registry (DESIGN.md §5). */
export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program
    .command('policy')
    .description('Routing policies: add, import, export, inspect, simulate')
    .addHelpText('after', SEMANTICS);

  policy
    .command('add')
    .description('Add a policy (or a new version of it) from flags, as `orchestrate models policy add`')
    .requiredOption('-n, --name <name>', 'policy name (invoked as policy/<name>)')
    .requiredOption('--model <model>', 'a target model; repeat for several, in order', collect)
    .requiredOption('-s, --strategy <mode>', 'loadbalance | fallback | single | round_robin')
    .option('--strategy-on-code <code>', 'status code that triggers the strategy; repeatable', collectInt('--strategy-on-code'))
    .option('--retry-on-code <code>', 'status code to retry on; repeatable', collectInt('--retry-on-code'))
    .option('--retry-attempts <k>', 'retries after the first try', parseIntOption('--retry-attempts'))
    .option('-d, --description <text>', 'shown in the list view')
    .option('--display-name <text>', 'display name for UIs')
    .option('--json', 'print JSON only')
    .addHelpText('after', SEMANTICS)
    .action(async (opts: AddOptions) => {
      const checked = checkPolicySpec(specFromFlags(opts));
      if (!checked.ok) throw new InputError('the flags do not make a valid policy', checked.error.map(flagIssue));
      await store(ctx, checked.value, 'watsonx', 'add', opts.json);
    });

  policy
    .command('import')
    .description('Import a policy file (YAML/JSON, or a .zip from export); same name = new version')
    .requiredOption('-f, --file <file>', 'policy file: .yaml, .yml, .json or .zip')
    .option('--format <format>', 'auto | watsonx | portkey | litellm | orq', 'auto')
    .option('-n, --name <name>', 'policy name (wins over a name in the file)')
    .option('--json', 'print JSON only')
    .action(async (opts: { file: string; format: string; name?: string; json?: boolean }) => {
      const format = opts.format === 'auto' ? 'auto' : parseChoice(PolicyFormat.options, opts.format, '--format');
      const text = await readPolicyFile(opts.file);
      const parsed = parsePolicyTextOrThrow(text, { file: opts.file, format, name: opts.name });
      for (const n of parsed.notes) note(ctx, `note: ${n}`);
      await store(ctx, parsed.spec, parsed.format, 'import', opts.json);
    });

  policy
    .command('export')
    .description('Write a policy version to a file (.yaml, .json, or .zip holding the YAML)')
    .requiredOption('-n, --name <name>', 'policy name')
    .requiredOption('-o, --output <file>', 'output path: .yaml, .yml, .json or .zip')
    .option('--format <format>', 'watsonx | portkey | litellm | orq (default watsonx)', 'watsonx')
    .option('--version <v>', 'version number (default: the active one)', parseIntOption('--version'))
    .addHelpText(
      'after',
      '\nA field the target format cannot express is refused by name, never dropped.\nPortkey and orq are JSON; LiteLLM router config is YAML.',
    )
    .action(async (opts: { name: string; output: string; format: string; version?: number }) => {
      const version = await findVersion(ctx, opts.name, opts.version);
      const written = exportTo(version.spec, parseChoice(PolicyFormat.options, opts.format, '--format'), opts.output);
      writeFileSync(opts.output, written);
      note(ctx, `exported ${opts.name} version ${version.version} to ${opts.output}`);
    });

  policy
    .command('remove')
    .description('Remove a policy (its versions stay for the history of past runs)')
    .requiredOption('-n, --name <name>', 'policy name')
    .action(async (opts: { name: string }) => {
      await removePolicy((await ctx.store()).db, opts.name);
      println(ctx, `removed ${sanitizeInline(opts.name)}; its versions are kept: routelab policy history -n ${sanitizeInline(opts.name)}`);
    });

  policy
    .command('list')
    .description('List policies with their active version')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      printList(ctx, await listPolicies((await ctx.store()).db), {
        json: opts.json,
        asJson: (rows) =>
          rows.map((r) => ({
            name: r.name,
            active_version: r.activeVersion,
            versions: r.versions,
            mode: r.mode,
            description: r.description,
          })),
        empty: 'no policies yet: routelab policy import --file my_spec.yaml',
        table: (rows) =>
          table(
            ['name', 'active', 'versions', 'mode', 'description'],
            rows.map((r) => [
              sanitizeInline(r.name),
              r.activeVersion ?? '-',
              r.versions,
              r.mode ?? '-',
              sanitizeInline(r.description ?? ''),
            ]),
          ),
      });
    });

  policy
    .command('show')
    .description('Show a policy version as YAML')
    .requiredOption('-n, --name <name>', 'policy name')
    .option('--version <v>', 'version number (default: the active one)', parseIntOption('--version'))
    .option('--json', 'print JSON only')
    .action(async (opts: { name: string; version?: number; json?: boolean }) => {
      const v = await findVersion(ctx, opts.name, opts.version);
      if (opts.json) return printJson(ctx, versionJson(v, true));
      note(
        ctx,
        `${v.name} version ${v.version}${v.isActive ? ' (active)' : ''}, ${v.origin} from ${v.sourceFormat}, ${v.createdAt.toISOString()}`,
      );
      println(ctx, policyDocumentYaml(v.spec).trimEnd());
    });

  policy
    .command('history')
    .description('List every version of a policy')
    .requiredOption('-n, --name <name>', 'policy name')
    .option('--json', 'print JSON only')
    .action(async (opts: { name: string; json?: boolean }) => {
      const versions = await policyHistory((await ctx.store()).db, opts.name);
      if (versions.length === 0) throw new NotFoundError('policy', opts.name, 'see `routelab policy list`');
      if (opts.json)
        return printJson(
          ctx,
          versions.map((v) => versionJson(v, false)),
        );
      println(
        ctx,
        table(
          ['version', 'active', 'origin', 'format', 'by', 'created (UTC)'],
          versions.map((v) => [
            v.version,
            v.isActive ? 'yes' : '',
            v.origin,
            v.sourceFormat,
            sanitizeInline(v.createdBy ?? '-'),
            v.createdAt.toISOString().slice(0, 19).replace('T', ' '),
          ]),
        ),
      );
    });

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

interface AddOptions {
  name: string;
  model: string[];
  strategy: string;
  strategyOnCode?: number[];
  retryOnCode?: number[];
  retryAttempts?: number;
  description?: string;
  displayName?: string;
  json?: boolean;
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

function specFromFlags(o: AddOptions): unknown {
  const strategy: Record<string, unknown> = { mode: o.strategy };
  if (o.strategyOnCode?.length) strategy.on_status_codes = o.strategyOnCode;
  const retry: Record<string, unknown> = {};
  if (o.retryAttempts !== undefined) retry.attempts = o.retryAttempts;
  if (o.retryOnCode?.length) retry.on_status_codes = o.retryOnCode;
  return {
    spec_version: 'v1',
    kind: 'model',
    name: o.name,
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.displayName !== undefined ? { display_name: o.displayName } : {}),
    policy: { strategy, ...(Object.keys(retry).length ? { retry } : {}), targets: o.model.map((m) => ({ model_name: m })) },
  };
}

/** Spec paths → the flag a user typed. */
function flagIssue(i: Issue): Issue {
  const p = i.path ?? '';
  const flag = p.startsWith('policy.strategy.on_status_codes')
    ? '--strategy-on-code'
    : p.startsWith('policy.strategy')
      ? '--strategy'
      : p.startsWith('policy.retry.attempts')
        ? '--retry-attempts'
        : p.startsWith('policy.retry')
          ? '--retry-on-code'
          : p.startsWith('policy.targets')
            ? '--model'
            : p === 'name'
              ? '--name'
              : p;
  return { field: flag, message: i.message };
}

async function store(ctx: CliContext, spec: PolicySpec, format: string, origin: 'add' | 'import', json?: boolean): Promise<void> {
  const s = await ctx.store();
  const added = await addPolicyVersion(s.db, spec, { sourceFormat: format, origin, createdBy: ctx.actor() });
  if (json) return printJson(ctx, { name: spec.name, version: added.version, active: true, format });
  println(
    ctx,
    `${origin === 'add' ? 'added' : 'imported'} ${sanitizeInline(spec.name)} version ${added.version} (active) — invoke as policy/${sanitizeInline(spec.name)}`,
  );
}

async function findVersion(ctx: CliContext, name: string, version?: number): Promise<PolicyVersion> {
  const db = (await ctx.store()).db;
  const v = version === undefined ? await getActiveVersion(db, name) : await getPolicyVersion(db, name, version);
  if (!v)
    throw new NotFoundError(
      version === undefined ? 'policy' : `version ${version} of policy`,
      name,
      'see `routelab policy list` and `policy history`',
    );
  return v;
}

async function readPolicyFile(file: string): Promise<string> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new InputError(`${file}: cannot read the file (does it exist?)`);
  }
  // A regular file's size says how far over it is; the read itself is capped whatever the size
  // reads (`/dev/zero`, a FIFO). A zip is bounded by its entry below.
  if (size > MAX_POLICY_BYTES * 4) throw new InputError(`${file}: ${size} bytes; policies are limited to ${MAX_POLICY_BYTES} bytes`);
  const bytes = await readCapped(file, MAX_POLICY_BYTES * 4, 'policies');
  if (extname(file).toLowerCase() !== '.zip') return bytes.toString('utf8');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => /\.(ya?ml|json)$/i.test(f.name) && f.originalSize <= MAX_POLICY_BYTES });
  } catch (e) {
    throw new InputError(`${file}: not a readable zip (${(e as Error).message})`);
  }
  const names = Object.keys(entries);
  if (names.length !== 1)
    throw new InputError(
      `${file}: expected one .yaml or .json policy (at most ${MAX_POLICY_BYTES} bytes) in the zip, found ${names.length}`,
    );
  return strFromU8(entries[names[0] as string] as Uint8Array);
}

/** Text for the chosen format, zipped when the output ends in .zip (as the watsonx CLI exports). */
function exportTo(spec: PolicySpec, format: PolicyFormat, output: string): Uint8Array | string {
  const ext = extname(output).toLowerCase();
  const zip = ext === '.zip';
  if (!zip && !['.yaml', '.yml', '.json'].includes(ext)) throw new InputError(`--output ${output}: use a .yaml, .yml, .json or .zip file`);
  const json = ext === '.json';
  const target: ExportFormat = format === 'watsonx' ? (json ? 'watsonx-json' : 'watsonx') : format;
  if ((format === 'portkey' || format === 'orq') && !json && !zip)
    throw new InputError(`--output ${output}: ${format} policies are JSON; use a .json file`);
  if (format === 'litellm' && json) throw new InputError(`--output ${output}: LiteLLM router config is YAML; use a .yaml file`);
  const written = exportPolicy(spec, target);
  if (!written.ok) throw new InputError(`${spec.name} cannot be exported as ${format}`, written.error);
  if (!zip) return written.value;
  const inner = `${spec.name.replace(/[^\w.-]+/g, '_')}${format === 'portkey' || format === 'orq' ? '.json' : '.yaml'}`;
  return zipSync({ [inner]: strToU8(written.value) });
}

function parseChoice<T extends string>(options: readonly T[], value: string, flag: string): T {
  if ((options as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag}: "${value}" is not one of ${options.join(', ')}`);
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

function versionJson(v: PolicyVersion, withSpec: boolean): Record<string, unknown> {
  return {
    name: v.name,
    version: v.version,
    active: v.isActive,
    origin: v.origin,
    source_format: v.sourceFormat,
    created_by: v.createdBy,
    created_at: v.createdAt.toISOString(),
    ...(withSpec ? { spec: v.spec } : {}),
  };
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
