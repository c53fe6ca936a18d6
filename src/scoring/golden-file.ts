import { z } from 'zod';
import type { Issue } from '../domain/errors.js';
import { loadLocatedYaml } from '../domain/located-yaml.js';
import { GoldenCase } from '../domain/golden-case.js';
import { type Result, ok, err } from '../domain/result.js';
import { checkCase } from './check-case.js';

/** What a golden set file holds. */
export interface GoldenDoc {
  name?: string;
  cases: GoldenCase[];
}

/** Enough to fix a file in one pass without flooding the terminal. */
const MAX_ISSUES = 50;

const YamlDoc = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  cases: z.array(z.unknown()).min(1, 'a golden set needs at least one case'),
});

type Path = Array<string | number>;
type Locate = (path: Path) => Pick<Issue, 'line' | 'column'>;

/**
 * Parse a golden set file. JSONL (one case per line) when the file is named .jsonl/.ndjson or its
 * first line is a complete JSON object followed by more lines; otherwise YAML, whose superset also
 * reads a .json document. Every problem comes back located: file, line, and the path inside it.
 */
export function parseGoldenText(text: string, file: string): Result<GoldenDoc, Issue[]> {
  return looksLikeJsonl(text, file) ? parseJsonl(text, file) : parseYaml(text, file);
}

function looksLikeJsonl(text: string, file: string): boolean {
  if (/\.(jsonl|ndjson)$/i.test(file)) return true;
  if (/\.(ya?ml|json)$/i.test(file)) return false;
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    const first = JSON.parse(lines[0] ?? '') as unknown;
    return first !== null && typeof first === 'object' && !Array.isArray(first);
  } catch {
    return false;
  }
}

function parseJsonl(text: string, file: string): Result<GoldenDoc, Issue[]> {
  const issues: Issue[] = [];
  const cases: GoldenCase[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && issues.length < MAX_ISSUES; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      issues.push({ file, line: lineNo, message: `not valid JSON (${e instanceof Error ? e.message : String(e)})` });
      continue;
    }
    const locate: Locate = () => ({ line: lineNo });
    const id = rawId(raw);
    const dup = id === undefined ? undefined : seen.get(id);
    if (id !== undefined && dup !== undefined)
      issues.push({ file, line: lineNo, path: 'id', message: `duplicate case id "${id}" (first on line ${dup})` });
    else if (id !== undefined) seen.set(id, lineNo);
    const parsed = parseCase(raw, [], locate, file);
    if (parsed.ok) cases.push(parsed.value);
    else issues.push(...parsed.error);
  }
  if (issues.length) return err(issues.slice(0, MAX_ISSUES));
  if (cases.length === 0) return err([{ file, message: 'no cases: the file is empty' }]);
  return ok({ cases });
}

function parseYaml(text: string, file: string): Result<GoldenDoc, Issue[]> {
  // The one hardened loader (size, depth, alias and tag limits): src/domain/located-yaml.ts.
  const loaded = loadLocatedYaml(text, { file, kind: 'golden sets' });
  if (!loaded.ok) return err(loaded.error.slice(0, MAX_ISSUES));
  let raw: unknown = loaded.value.value;
  const locate: Locate = (path) => loaded.value.locate(path) ?? {};
  if (Array.isArray(raw)) raw = { cases: raw };
  const top = YamlDoc.safeParse(raw ?? {});
  if (!top.success) return err(zodIssues(top.error.issues, [], locate, file));

  const issues: Issue[] = [];
  const cases: GoldenCase[] = [];
  const seen = new Map<string, number>();
  top.data.cases.forEach((rawCase, i) => {
    if (issues.length >= MAX_ISSUES) return;
    const id = rawId(rawCase);
    const dup = id === undefined ? undefined : seen.get(id);
    if (id !== undefined && dup !== undefined)
      issues.push({
        file,
        ...locate(['cases', i, 'id']),
        path: pathText(['cases', i, 'id']),
        message: `duplicate case id "${id}" (also cases[${dup}])`,
      });
    else if (id !== undefined) seen.set(id, i);
    const parsed = parseCase(rawCase, ['cases', i], locate, file);
    if (parsed.ok) cases.push(parsed.value);
    else issues.push(...parsed.error);
  });
  if (issues.length) return err(issues.slice(0, MAX_ISSUES));
  return ok({ name: top.data.name, cases });
}

/** A case's id as written, before validation, so duplicates are reported even in broken cases. */
function rawId(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object' || !('id' in raw)) return undefined;
  const id = (raw as { id: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function parseCase(raw: unknown, prefix: Path, locate: Locate, file: string): Result<GoldenCase, Issue[]> {
  const parsed = GoldenCase.safeParse(raw);
  if (!parsed.success) return err(zodIssues(parsed.error.issues, prefix, locate, file));
  const problems = checkCase(parsed.data);
  if (problems.length) {
    return err(
      problems.map((p) => ({ file, ...locate([...prefix, ...p.path]), path: pathText([...prefix, ...p.path]), message: p.message })),
    );
  }
  return ok(parsed.data);
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodIssueLike[][];
  keys?: string[];
  note?: string;
  options?: unknown[];
}

/**
 * Zod issues as located, readable issues. A failed union (e.g. `input` as text or as messages)
 * reports the branch that got furthest, since that is the one the author was writing.
 */
function zodIssues(issues: readonly ZodIssueLike[], prefix: Path, locate: Locate, file: string): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path: Path = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      const deepest = issue.errors.reduce((best, branch) => (depth(branch) > depth(best) ? branch : best));
      if (depth(deepest) > 0) {
        out.push(...zodIssues(deepest, path, locate, file));
        continue;
      }
    }
    const where = issue.code === 'unrecognized_keys' && issue.keys?.[0] !== undefined ? [...path, issue.keys[0]] : path;
    out.push({ file, ...locate(where), path: pathText(where) || undefined, message: humanMessage(issue) });
  }
  return out;
}

const depth = (branch: readonly ZodIssueLike[]): number => Math.max(0, ...branch.map((i) => i.path.length));

function humanMessage(issue: ZodIssueLike): string {
  if (issue.note === 'No matching discriminator' && issue.options) return `unknown type; expected one of: ${issue.options.join(', ')}`;
  if (issue.code === 'unrecognized_keys' && issue.keys)
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

export function pathText(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}
