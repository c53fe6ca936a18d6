import type { z } from 'zod';
import { InputError, type Issue } from '../domain/errors.js';
import { PolicySpec } from '../domain/policy-spec.js';
import { err, ok, type Result } from '../domain/result.js';
import { isRecord, type Converted, type Path, type PolicyFormat } from './formats/format.js';
import { readLitellm } from './formats/litellm.js';
import { readOrq } from './formats/orq.js';
import { readPortkey } from './formats/portkey.js';
import { readWatsonx } from './formats/watsonx.js';
import type { PathIssue } from './request-context.js';
import { validateSpec } from './validate.js';
import { sanitizeInline } from '../domain/sanitize.js';
import { loadYamlSource, type SourceDocument } from './yaml-source.js';

export interface ParseOptions {
  /** Named in every issue. */
  file?: string;
  format?: 'auto' | PolicyFormat;
  /** Policy name for formats that carry none (Portkey, LiteLLM); else the file's base name. */
  name?: string;
}

export interface ParsedPolicy {
  spec: PolicySpec;
  format: PolicyFormat;
  /** What was read but not kept (e.g. a Portkey virtual_key): for the user, on stderr. */
  notes: string[];
}

/**
 * Text (YAML or JSON, any supported format) → a validated spec, or every issue found, each with
 * file, line, column and the path inside the document. Never throws on bad input.
 */
export function parsePolicyText(text: string, opts: ParseOptions = {}): Result<ParsedPolicy, Issue[]> {
  const loaded = loadYamlSource(text, opts.file);
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  const requested = opts.format ?? 'auto';
  const format = requested === 'auto' ? detectFormat(source.value) : requested;
  if (!format) {
    return err([
      {
        file: opts.file,
        line: 1,
        message:
          'cannot tell the policy format: expected watsonx (spec_version/kind), Portkey (strategy/targets), LiteLLM (model_list) or orq (models); pass --format',
      },
    ]);
  }
  const name = opts.name ?? baseName(opts.file);
  const converted = convert(format, source.value, name);
  const located = (issues: PathIssue[], toSource: (p: Path) => Path) => issues.map((i) => locate(i, toSource(i.path), source, opts.file));
  if (converted.issues.length) return err(located(converted.issues, (p) => p));
  // An explicit name (`-n`) always wins over one in the file: importing under a new name must never
  // become a new version of the policy the file happens to name.
  if (opts.name !== undefined && isRecord(converted.candidate) && converted.candidate.name !== opts.name) {
    if (typeof converted.candidate.name === 'string' && converted.candidate.name !== '')
      converted.notes.push(
        `the file names the policy "${sanitizeInline(converted.candidate.name)}"; imported as "${sanitizeInline(opts.name)}" (-n)`,
      );
    converted.candidate = { ...converted.candidate, name: opts.name };
  }
  const parsed = PolicySpec.safeParse(converted.candidate);
  if (!parsed.success) return err(located(zodIssues(parsed.error), converted.sourcePath));
  const semantic = validateSpec(parsed.data);
  if (semantic.length) return err(located(semantic, converted.sourcePath));
  return ok({ spec: parsed.data, format, notes: converted.notes });
}

export function parsePolicyTextOrThrow(text: string, opts: ParseOptions = {}): ParsedPolicy {
  const result = parsePolicyText(text, opts);
  if (!result.ok) throw new InputError(`${opts.file ?? 'policy'} is not a valid policy`, result.error);
  return result.value;
}

/** A spec built in code (CLI flags, proposals): the same schema and semantic checks, no lines. */
export function checkPolicySpec(candidate: unknown): Result<PolicySpec, Issue[]> {
  const parsed = PolicySpec.safeParse(candidate);
  if (!parsed.success) return err(zodIssues(parsed.error).map((i) => ({ path: formatPath(i.path), message: i.message })));
  const semantic = validateSpec(parsed.data);
  if (semantic.length) return err(semantic.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return ok(parsed.data);
}

export function detectFormat(value: unknown): PolicyFormat | undefined {
  if (!isRecord(value)) return undefined;
  if ('spec_version' in value || 'kind' in value || 'policy' in value) return 'watsonx';
  if ('model_list' in value || 'router_settings' in value) return 'litellm';
  if ('models' in value) return 'orq';
  if ('targets' in value || 'strategy' in value) return 'portkey';
  return undefined;
}

function convert(format: PolicyFormat, value: unknown, name: string | undefined): Converted {
  switch (format) {
    case 'watsonx':
      return readWatsonx(value);
    case 'portkey':
      return readPortkey(value, { name });
    case 'litellm':
      return readLitellm(value, { name });
    case 'orq':
      return readOrq(value);
  }
}

function zodIssues(error: z.ZodError): PathIssue[] {
  return error.issues.map((i) => {
    const path = i.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (i.code === 'unrecognized_keys') {
      const keys = i.keys;
      return {
        path: [...path, keys[0] ?? ''],
        message: `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}: check the spelling against the policy format`,
      };
    }
    if (i.code === 'invalid_value' && 'values' in i) return { path, message: `must be one of ${i.values.map(String).join(', ')}` };
    // zod 4 leaves `input` off its issues, so only the message tells a missing field from a wrong type (NaN, a string).
    if (i.code === 'invalid_type' && /received undefined$/.test(i.message)) return { path, message: 'required field is missing' };
    return { path, message: i.message };
  });
}

function locate(issue: PathIssue, sourcePath: Path, source: SourceDocument, file: string | undefined): Issue {
  const pos = source.locate(sourcePath);
  return { file, line: pos?.line, column: pos?.column, path: formatPath(sourcePath), message: issue.message };
}

/** `policy.targets[1].weight`: the path a user searches for in the file. */
export function formatPath(path: Path): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function baseName(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const last = file.split(/[\\/]/).pop() ?? file;
  return last.replace(/\.(ya?ml|json)$/i, '') || undefined;
}
