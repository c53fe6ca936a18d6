import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, failed, passed } from '../scorer-kit.js';

/** Output length (trimmed; characters as code points, or whitespace-separated words) within [min, max]. */
export function scoreLength(a: AssertionOf<'length'>, output: string): ScoreResult {
  const text = output.trim();
  const n = a.unit === 'words' ? (text === '' ? 0 : text.split(/\s+/u).length) : countCodePoints(text);
  const bounds = `[${a.min ?? 0}, ${a.max ?? '∞'}]`;
  if (a.min !== undefined && n < a.min) return failed(`${n} ${a.unit}, below ${bounds}`);
  if (a.max !== undefined && n > a.max) return failed(`${n} ${a.unit}, above ${bounds}`);
  return passed(`${n} ${a.unit}, within ${bounds}`);
}

function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
