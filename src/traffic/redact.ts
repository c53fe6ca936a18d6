import { addTo, dataRecord } from '../domain/data-record.js';
import { compileLinear, type LinearRegex } from '../domain/linear-regex.js';
import { BUILT_IN_RULES, countDigits, type RedactRule } from './redact-rules.js';

/** A user-configured pattern (`--redact-pattern`, `.routelab/redact.yaml`); `name` types the placeholder. */
export type UserPattern = string | { name?: string; pattern: string };

export interface RedactResult {
  text: string;
  /** How many spans were replaced. */
  count: number;
  /** The kinds replaced, once each, in rule order. */
  kinds: string[];
  /** Spans replaced, by kind. */
  byKind: Record<string, number>;
}

export type Redactor = (text: string) => RedactResult;

export const placeholder = (kind: string) => `[REDACTED:${kind}]`;

/**
 * Compile user patterns once. A pattern that is not a valid regular expression is returned as an
 * issue naming it, so the CLI can refuse it before anything is read.
 */
export function compileUserPatterns(patterns: readonly UserPattern[]): { rules: UserRule[]; errors: string[] } {
  const rules: UserRule[] = [];
  const errors: string[] = [];
  for (const p of patterns) {
    const source = typeof p === 'string' ? p : p.pattern;
    const kind = typeof p === 'string' ? 'custom' : sanitiseKind(p.name ?? 'custom');
    // The user's patterns run over every imported string: the linear-time engine, never RegExp.
    const compiled = compileLinear(source);
    if (!compiled.ok) {
      errors.push(`redact pattern /${source}/ is not a valid regular expression: ${compiled.error}`);
      continue;
    }
    if (compiled.regex.test('')) {
      errors.push(`redact pattern /${source}/ matches the empty string`);
      continue;
    }
    rules.push({ kind, linear: compiled.regex });
  }
  return { rules, errors };
}

function sanitiseKind(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'custom';
}

/** A user's redaction pattern, on the linear-time engine. */
export interface UserRule {
  kind: string;
  linear: LinearRegex;
}

/** Built-in rules, then the user's: replaces every match with a typed placeholder. Pure. */
export function createRedactor(patterns: readonly UserPattern[] = []): Redactor {
  const { rules: user, errors } = compileUserPatterns(patterns);
  if (errors.length) throw new Error(errors.join('; '));
  const rules: Array<RedactRule | UserRule> = [...BUILT_IN_RULES, ...user];
  return (input) => {
    let text = input;
    let count = 0;
    const kinds: string[] = [];
    const byKind = dataRecord<number>();
    // Most strings hold nothing to redact; one scan decides whether the rules run at all.
    if (!MAYBE_SENSITIVE.test(input) && user.length === 0) return { text, count, kinds, byKind };
    let digits = countDigits(text);
    for (const rule of rules) {
      let hits = 0;
      if ('linear' in rule) {
        text = rule.linear.replaceAll(text, () => {
          hits++;
          return placeholder(rule.kind);
        });
      } else {
        if (rule.hint && !rule.hint(text, digits)) continue;
        rule.regex.lastIndex = 0;
        text = text.replace(rule.regex, (match) => {
          if (rule.accept && !rule.accept(match)) return match;
          hits++;
          return placeholder(rule.kind);
        });
      }
      if (hits) {
        digits = countDigits(text);
        count += hits;
        if (!(rule.kind in byKind)) kinds.push(rule.kind);
        addTo(byKind, rule.kind, hits);
      }
    }
    return { text, count, kinds, byKind };
  };
}

/**
 * Every built-in rule needs one of these: a digit (cards, phones, IBANs, AWS), `@` (e-mail), or a
 * keyword / key prefix. Kept in step with BUILT_IN_RULES by the redaction tests.
 */
const MAYBE_SENSITIVE = /[\d@]|sk-|AKIA|ASIA|ABIA|ACCA|bearer|key|secret|token|pass|pwd|gh[pousr]_|github_pat|xox|AIza/i;

const cache = new Map<string, Redactor>();

/** Redact one text. Redactors are cached by their pattern list, so calling this in a loop is cheap. */
export function redactText(text: string, patterns: readonly UserPattern[] = []): RedactResult {
  const key = JSON.stringify(patterns);
  let redactor = cache.get(key);
  if (!redactor) {
    redactor = createRedactor(patterns);
    cache.set(key, redactor);
  }
  return redactor(text);
}
