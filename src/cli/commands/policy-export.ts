import type { Command } from 'commander';
import { strToU8, zipSync } from 'fflate';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { ExportFormat, exportPolicy, PolicyFormat } from '../../policy/index.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note } from '../output.js';
import { findVersion } from './policy-registry.js';

export function registerPolicyExport(policy: Command, ctx: CliContext): void {
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

export function parseChoice<T extends string>(options: readonly T[], value: string, flag: string): T {
  if ((options as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag}: "${value}" is not one of ${options.join(', ')}`);
}
