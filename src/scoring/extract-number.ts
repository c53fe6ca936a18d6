/**
 * The final numeric answer in free text, GSM8K style. Looked for in order of how deliberately the
 * model marked it: after the last `####`, after the last "answer is / answer:", inside the last
 * \boxed{}, else the last number in the text. "$1,234.50", "18.", "-3", "60%" all read as numbers;
 * thousands separators must be well-formed ("130,00" reads as 130 then 0).
 */
const NUMBER = /(?<![\w.])(-)?\$?\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)/g;

/** Longest text scanned, from the end: the answer is at the end of a long chain of thought. */
const TAIL = 20_000;

export function extractFinalNumber(text: string): number | undefined {
  const tail = text.length > TAIL ? text.slice(text.length - TAIL) : text;
  const marked = tail.lastIndexOf('####');
  if (marked >= 0) {
    const n = firstNumber(tail.slice(marked + 4));
    if (n !== undefined) return n;
  }
  const answer = lastMatchEnd(tail, /answer\s*(?:is|:|=)/gi);
  if (answer !== undefined) {
    const n = firstNumber(tail.slice(answer, answer + 80));
    if (n !== undefined) return n;
  }
  const boxed = tail.lastIndexOf('\\boxed{');
  if (boxed >= 0) {
    const n = firstNumber(tail.slice(boxed + 7, boxed + 80));
    if (n !== undefined) return n;
  }
  return lastNumber(tail);
}

function lastMatchEnd(text: string, re: RegExp): number | undefined {
  let end: number | undefined;
  for (const m of text.matchAll(re)) end = m.index + m[0].length;
  return end;
}

function toNumber(m: RegExpMatchArray): number | undefined {
  const digits = (m[2] ?? '').replace(/,/g, '');
  const n = Number(digits);
  if (!Number.isFinite(n)) return undefined;
  return m[1] ? -n : n;
}

function firstNumber(text: string): number | undefined {
  for (const m of text.matchAll(NUMBER)) {
    const n = toNumber(m);
    if (n !== undefined) return n;
  }
  return undefined;
}

function lastNumber(text: string): number | undefined {
  let last: number | undefined;
  for (const m of text.matchAll(NUMBER)) last = toNumber(m) ?? last;
  return last;
}
