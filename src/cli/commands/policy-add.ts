import type { Command } from 'commander';
import { strFromU8, unzipSync } from 'fflate';
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError, type Issue } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { checkPolicySpec, MAX_POLICY_BYTES, parsePolicyTextOrThrow, PolicyFormat } from '../../policy/index.js';
import { readCapped } from '../../providers/read-capped.js';
import { addPolicyVersion } from '../../store/repos/policy-repo.js';
import { collect, collectInt, parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, println } from '../output.js';
import { parseChoice } from './policy-export.js';

export const SEMANTICS = `
Semantics (the watsonx Orchestrate model-policy YAML, Portkey reading):
  --retry-attempts K   retries AFTER the first try (K=1: up to 2 tries a model)
                       on --retry-on-code codes (default 429 500 502 503 504)
  --strategy-on-code   codes that move on: fallback → next model in order;
                       loadbalance → redraw among the models left, by weight.
                       Fallback with none listed moves on after any non-2xx.
Adding or importing an existing name creates a new, active version.`;

/** `policy add` and `policy import`: a new, active version. */
export function registerPolicyAdd(policy: Command, ctx: CliContext): void {
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

export async function store(ctx: CliContext, spec: PolicySpec, format: string, origin: 'add' | 'import', json?: boolean): Promise<void> {
  const s = await ctx.store();
  const added = await addPolicyVersion(s.db, spec, { sourceFormat: format, origin, createdBy: ctx.actor() });
  if (json) return printJson(ctx, { name: spec.name, version: added.version, active: true, format });
  println(
    ctx,
    `${origin === 'add' ? 'added' : 'imported'} ${sanitizeInline(spec.name)} version ${added.version} (active) — invoke as policy/${sanitizeInline(spec.name)}`,
  );
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
