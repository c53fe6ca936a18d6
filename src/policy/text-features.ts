/**
 * Hashed word uni- and bigrams of a text, the features of a learned scorer (domain/scorer-spec.ts).
 * Words are runs of ASCII letters and digits, lower-cased, read in one pass over char codes (no
 * regex); each unigram and each pair of neighbouring words is hashed (FNV-1a, 32-bit) into one of
 * `dim` buckets. The same function serves training and routing, so a scorer means the same online.
 */

import { fieldKey, readField, type FieldRef, type FieldSource } from '../domain/request-field.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Words past this many are not read: bounded work per request. */
export const MAX_WORDS = 512;

function lower(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return code;
  return -1;
}

/** Sorted distinct buckets (dim a power of two) of the text's hashed uni- and bigrams. */
export function hashedNgrams(text: string, dim: number): Int32Array {
  const mask = dim - 1;
  const out = new Set<number>();
  let h = FNV_OFFSET;
  let inWord = false;
  let prev = -1;
  let words = 0;
  const endWord = () => {
    const uni = h >>> 0;
    out.add(uni & mask);
    if (prev >= 0) {
      // A bigram hashes the previous word's hash with this one's; the extra mix keeps it apart from unigrams.
      let b = Math.imul(prev ^ 0x9e3779b9, FNV_PRIME) ^ uni;
      b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d) >>> 0;
      out.add(b & mask);
    }
    prev = uni;
    words++;
  };
  for (let i = 0; i < text.length && words < MAX_WORDS; i++) {
    const c = lower(text.charCodeAt(i));
    if (c < 0) {
      if (inWord) endWord();
      inWord = false;
      h = FNV_OFFSET;
      continue;
    }
    h = Math.imul(h ^ c, FNV_PRIME);
    inWord = true;
  }
  if (inWord && words < MAX_WORDS) endWord();
  return Int32Array.from(out).sort();
}

/** Each present text bucket counts 1/√(buckets present): long and short texts move the score alike. */
export function featureScale(present: number): number {
  return present > 0 ? 1 / Math.sqrt(present) : 0;
}

/** A scorer's features of one request: buckets (sorted, distinct) and their values. */
export interface ScorerFeatures {
  idx: Int32Array;
  val: Float64Array;
}

/** Adds the features' weighted rows to `out` (K values): out[k] += Σ val × weights[idx × K + k]. */
export function addWeighted(out: Float64Array, f: ScorerFeatures, weights: Float64Array, K: number): Float64Array {
  for (let i = 0; i < f.idx.length; i++) {
    const at = (f.idx[i] as number) * K;
    const x = f.val[i] as number;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + x * (weights[at + k] as number);
  }
  return out;
}

/**
 * The text's hashed n-grams (each 1/√count) plus one bucket per listed field for `name=value`
 * (value 1); a bucket hit twice sums its values.
 */
export function scorerFeatures(source: FieldSource, fields: readonly FieldRef[], dim: number): ScorerFeatures {
  const text = hashedNgrams(source.input?.text ?? '', dim);
  const x = featureScale(text.length);
  if (fields.length === 0) return { idx: text, val: new Float64Array(text.length).fill(x) };
  const acc = new Map<number, number>();
  for (const b of text) acc.set(b, x);
  for (const f of fields) {
    const b = hashString(`${f.name}=${fieldKey(readField(source, f))}`) & (dim - 1);
    acc.set(b, (acc.get(b) ?? 0) + 1);
  }
  const idx = Int32Array.from(acc.keys()).sort();
  return { idx, val: Float64Array.from(idx, (b) => acc.get(b) as number) };
}

function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}
