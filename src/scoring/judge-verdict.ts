import { extractJson } from './json-text.js';

/**
 * Reading what a judge model replied. Judges do not always obey the format: JSON is looked for as
 * the whole reply, in a fence, or as the outermost {...}; failing that, "score: 7" / "winner: A"
 * in prose. An unreadable reply is a value (undefined), never an exception.
 */
export interface RubricVerdict {
  /** 0..1 (the judge's 0-10 divided by 10). */
  score: number;
  pass: boolean | undefined;
  reason: string;
}

export type PairwiseWinner = 'A' | 'B' | 'tie';

function jsonObject(reply: string): Record<string, unknown> | undefined {
  const direct = extractJson(reply);
  const candidate = direct.ok ? direct.value : outermostBraces(reply);
  return candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate) ? (candidate as Record<string, unknown>) : undefined;
}

function outermostBraces(reply: string): unknown {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(reply.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}

export function readRubricVerdict(reply: string): RubricVerdict | undefined {
  const obj = jsonObject(reply);
  const rawScore = obj?.score ?? /score"?\s*[:=]\s*(\d+(?:\.\d+)?)/i.exec(reply)?.[1];
  const n = typeof rawScore === 'number' ? rawScore : typeof rawScore === 'string' ? Number(rawScore) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const pass = typeof obj?.pass === 'boolean' ? obj.pass : undefined;
  const reason = typeof obj?.reason === 'string' ? obj.reason : '';
  return { score: Math.min(10, Math.max(0, n)) / 10, pass, reason };
}

export function readPairwiseVerdict(reply: string): { winner: PairwiseWinner; reason: string } | undefined {
  const obj = jsonObject(reply);
  const raw = obj?.winner ?? /winner"?\s*[:=]\s*"?(A|B|tie)\b/i.exec(reply)?.[1];
  if (typeof raw !== 'string') return undefined;
  const w = raw.trim().toLowerCase();
  const winner: PairwiseWinner | undefined = w === 'a' ? 'A' : w === 'b' ? 'B' : w === 'tie' ? 'tie' : undefined;
  if (!winner) return undefined;
  return { winner, reason: typeof obj?.reason === 'string' ? obj.reason : '' };
}
