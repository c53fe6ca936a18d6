import type { RunCase } from '../domain/run.js';
import { parseField, readField, type FieldRef } from '../domain/request-field.js';

/**
 * Candidate tests for per-request rules, each one a condition the router can evaluate at request
 * time exactly as it is computed here: `metadata.X == v`, `params.X == v`, numeric thresholds
 * (`input_tokens`, numeric metadata/params, `input.turns` ≤ t), the derived flags (`input.has_code`,
 * `input.tools`, `input.language`, `input.response_format`) and keywords of the last user message
 * (`input.text` matching `\bword\b` case-insensitively). Candidates come from the fitting cases only
 * and without looking at outcomes; the tree learner then picks among them by outcome.
 */
export interface SplitFeature {
  /** The rule's `when` entry that holds exactly when the feature is true. */
  field: string;
  test: unknown;
  /** How a reviewer reads it. */
  label: string;
}

export interface FeatureSet {
  features: SplitFeature[];
  /** Per case (index into the cases given), the sorted ids of the features that hold. */
  holds: Int32Array[];
}

export interface FeatureOptions {
  /** A candidate must hold on at least this many fitting cases, and fail on as many. */
  minSupport: number;
  /** Most keywords kept (by how many fitting cases contain them). */
  maxKeywords?: number;
}

const MAX_CATEGORIES = 50;
const EMPTY = new Int32Array(0);
const THRESHOLDS = 8;
const WORD = /^[a-z][a-z0-9_]{1,24}$/;

/** Words of a text as `\b…\b` with the `i` flag sees them: runs of [A-Za-z0-9_], lower-cased. */
export function wordsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().split(/[^a-z0-9_]+/)) if (WORD.test(w)) out.add(w);
  return out;
}

/** The regex condition for a keyword; `wordsOf` above is its exact set semantics. */
export function keywordTest(word: string): { $regex: string; $options: string } {
  return { $regex: `\\b${word}\\b`, $options: 'i' };
}

/** `holdRows`: the cases whose `holds` are computed (all of them when not given; the rest stay empty). */
export function buildFeatures(
  cases: readonly RunCase[],
  fitRows: readonly number[],
  options: FeatureOptions,
  holdRows?: readonly number[],
): FeatureSet {
  const features: SplitFeature[] = [];
  const tests: Array<(row: number) => boolean> = [];
  const n = fitRows.length;
  const minS = Math.max(1, options.minSupport);
  const usable = (count: number) => count >= minS && n - count >= minS;
  const at = (row: number) => cases[row] as RunCase;

  const categorical = (name: string, ref: FieldRef) => {
    const counts = new Map<string | number | boolean, number>();
    const numbers: number[] = [];
    for (const r of fitRows) {
      const v = readField(at(r), ref);
      if (typeof v === 'number' && Number.isFinite(v)) numbers.push(v);
      else if (typeof v === 'string' || typeof v === 'boolean') counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (counts.size <= MAX_CATEGORIES) {
      for (const [value, count] of [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))) {
        if (!usable(count)) continue;
        features.push({ field: name, test: value, label: `${name} = ${String(value)}` });
        tests.push((row) => readField(at(row), ref) === value);
      }
    }
    if (numbers.length >= minS) {
      numbers.sort((a, b) => a - b);
      const seen = new Set<number>();
      for (let k = 1; k < THRESHOLDS; k++) {
        const t = numbers[Math.floor((k * numbers.length) / THRESHOLDS)] as number;
        if (seen.has(t)) continue;
        seen.add(t);
        let count = 0;
        for (const r of fitRows) {
          const v = readField(at(r), ref);
          if (typeof v === 'number' && v <= t) count++;
        }
        if (!usable(count)) continue;
        features.push({ field: name, test: { $lte: t }, label: `${name} ≤ ${t}` });
        tests.push((row) => {
          const v = readField(at(row), ref);
          return typeof v === 'number' && v <= t;
        });
      }
    }
  };

  const fieldNames = new Set<string>([
    'input_tokens',
    'input.turns',
    'input.has_code',
    'input.tools',
    'input.language',
    'input.response_format',
  ]);
  for (const r of fitRows) {
    for (const k of Object.keys(at(r).metadata)) fieldNames.add(`metadata.${k}`);
    for (const k of Object.keys(at(r).params)) fieldNames.add(`params.${k}`);
  }
  for (const name of [...fieldNames].sort()) {
    const parsed = parseField(name);
    if (parsed.ok) categorical(name, parsed.field);
  }

  // Keywords of the last user message.
  const words: Array<Set<string> | undefined> = [];
  const df = new Map<string, number>();
  for (const r of fitRows) {
    const ws = wordsOf(at(r).input?.text ?? '');
    words[r] = ws;
    for (const w of ws) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const keywords = [...df.entries()]
    .filter(([, c]) => usable(c))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, options.maxKeywords ?? 2000);
  const keywordId = new Map<string, number>();
  for (const [w] of keywords) {
    keywordId.set(w, features.length);
    features.push({ field: 'input.text', test: keywordTest(w), label: `text has "${w}"` });
    tests.push(() => false); // set from the word lists below
  }

  const holds: Int32Array[] = Array.from({ length: cases.length }, () => EMPTY);
  const plain = tests.length - keywords.length;
  for (const row of holdRows ?? cases.keys()) {
    const ids: number[] = [];
    for (let f = 0; f < plain; f++) if ((tests[f] as (row: number) => boolean)(row)) ids.push(f);
    if (keywordId.size) {
      const ws = words[row] ?? wordsOf(at(row).input?.text ?? '');
      for (const w of ws) {
        const id = keywordId.get(w);
        if (id !== undefined) ids.push(id);
      }
    }
    ids.sort((a, b) => a - b);
    holds[row] = Int32Array.from(ids);
  }
  return { features, holds };
}

/** Does feature f hold on the case (binary search in its sorted list)? */
export function holdsOn(set: FeatureSet, row: number, f: number): boolean {
  const list = set.holds[row] as Int32Array;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid] as number;
    if (v === f) return true;
    if (v < f) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
