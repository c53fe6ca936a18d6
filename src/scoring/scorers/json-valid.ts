import type { ScoreResult } from '../../domain/golden-case.js';
import { failed, passed } from '../scorer-kit.js';
import { extractJson } from '../json-text.js';

/** Valid JSON as the whole output or inside a ```json fence. */
export function scoreJsonValid(output: string): ScoreResult {
  const parsed = extractJson(output);
  return parsed.ok ? passed('valid JSON') : failed(parsed.error);
}
