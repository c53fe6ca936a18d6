/**
 * Reading what a judge model replied. The verdict is the judge's own final structured verdict: the
 * whole reply when it is one JSON object holding the field (JSON response format), else the LAST
 * JSON object in the reply holding it, else the last `score: 7` / `winner: A` in prose. A judge
 * that quotes the answer (which may contain `{"score": 10}`) before deciding is read by its
 * decision, not the quote. An unreadable reply is a value (undefined), never an exception.
 */
export interface RubricVerdict {
  /** 0..1 (the judge's 0-10 divided by 10). */
  score: number;
  pass: boolean | undefined;
  reason: string;
}

export type PairwiseWinner = 'A' | 'B' | 'tie';

/** Replies are cut here before scanning: a verdict is short, and the scan must stay cheap. */
const MAX_REPLY = 20_000;
/** At most this many `{` are tried as the start of an object, from the end. */
const MAX_STARTS = 200;

function verdictObject(reply: string, field: string): Record<string, unknown> | undefined {
  const isVerdict = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, field);
  // The whole reply as one object (JSON response format). A fence is not looked for first: the
  // first fence may be a quote of the answer; the scan below finds the judge's own, last, object.
  try {
    const whole = JSON.parse(reply.trim()) as unknown;
    if (isVerdict(whole)) return whole;
  } catch {
    // prose around it, or several objects
  }
  const text = reply.length > MAX_REPLY ? reply.slice(-MAX_REPLY) : reply;
  let tried = 0;
  for (let start = text.lastIndexOf('{'); start >= 0 && tried < MAX_STARTS; start = text.lastIndexOf('{', start - 1), tried++) {
    const end = matchingBrace(text, start);
    if (end < 0) continue;
    try {
      const v = JSON.parse(text.slice(start, end + 1)) as unknown;
      if (isVerdict(v)) return v;
    } catch {
      // not JSON from here: try an earlier brace
    }
  }
  return undefined;
}

/** Index of the `}` closing the `{` at `start` (strings and escapes respected), or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The last match's first group of a global regex, or undefined. */
function lastGroup(re: RegExp, text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.slice(-MAX_REPLY).matchAll(re)) last = m[1];
  return last;
}

export function readRubricVerdict(reply: string): RubricVerdict | undefined {
  const obj = verdictObject(reply, 'score');
  const rawScore = obj ? obj.score : lastGroup(/score"?\s{0,4}[:=]\s{0,4}(\d{1,3}(?:\.\d{1,6})?)/gi, reply);
  const n = typeof rawScore === 'number' ? rawScore : typeof rawScore === 'string' ? Number(rawScore) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const pass = typeof obj?.pass === 'boolean' ? obj.pass : undefined;
  const reason = typeof obj?.reason === 'string' ? obj.reason : '';
  return { score: Math.min(10, Math.max(0, n)) / 10, pass, reason };
}

export function readPairwiseVerdict(reply: string): { winner: PairwiseWinner; reason: string } | undefined {
  const obj = verdictObject(reply, 'winner');
  const raw = obj ? obj.winner : lastGroup(/winner"?\s{0,4}[:=]\s{0,4}"?(A|B|tie)\b/gi, reply);
  if (typeof raw !== 'string') return undefined;
  const w = raw.trim().toLowerCase();
  const winner: PairwiseWinner | undefined = w === 'a' ? 'A' : w === 'b' ? 'B' : w === 'tie' ? 'tie' : undefined;
  if (!winner) return undefined;
  return { winner, reason: typeof obj?.reason === 'string' ? obj.reason : '' };
}
