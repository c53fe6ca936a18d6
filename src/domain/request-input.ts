import { z } from 'zod';

/**
 * What the router derives from a request's messages and params at routing time, so rules can look at
 * the request itself (`input.turns`, `input.has_code`, `input.text: {$regex: …}`), not only at the
 * metadata a caller chose to attach. Computed by `requestInput` (below) the same way when a run's
 * cases are planned and when a request is routed, so a rule learned offline means the same online.
 */
export const RequestInput = z.object({
  /** The last user message, at most TEXT_LIMIT characters (what keyword rules look at). */
  text: z.string(),
  /** Number of messages (user and assistant turns, system included). */
  turns: z.number().int().nonnegative(),
  /** A code fence, or lines that read like code (def/function/class/#include/braces and semicolons). */
  has_code: z.boolean(),
  /** The request offers tools (`params.tools` or `params.functions` non-empty). */
  tools: z.boolean(),
  /** `params.response_format.type` (`json_object`, `json_schema`, …) or `text` when absent. */
  response_format: z.string(),
  /** Script-level language of the last user message: en, latin, zh, ja, ko, cyrillic, arabic, other. */
  language: z.string(),
});
export type RequestInput = z.infer<typeof RequestInput>;

/** Keyword rules look at the start of the last user message: bounded work per request. */
export const TEXT_LIMIT = 4000;

/** The fields a condition may name under `input.` (and the proposer may learn on). */
export const INPUT_FIELDS = ['text', 'turns', 'has_code', 'tools', 'response_format', 'language'] as const;
export type InputField = (typeof INPUT_FIELDS)[number];

const CODE_FENCE = '```';
// Each test is a single bounded pass over one line; no nested quantifiers.
const CODE_LINE =
  /^\s*(def |class |function |import |from \S+ import |#include|public |private |return |for \(|while \(|if \(|const |let |var )|[;{}]\s*$/m;
const EN_WORDS = new Set([
  'the',
  'and',
  'of',
  'to',
  'is',
  'a',
  'in',
  'that',
  'for',
  'you',
  'what',
  'how',
  'with',
  'are',
  'this',
  'it',
  'be',
  'on',
  'can',
  'i',
]);

export function requestInput(
  messages: ReadonlyArray<{ role?: string; content: string }>,
  params: Record<string, unknown> = {},
): RequestInput {
  let last = '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: string; content: string };
    if (m.role === undefined || m.role === 'user') {
      last = m.content;
      break;
    }
  }
  const text = last.length > TEXT_LIMIT ? last.slice(0, TEXT_LIMIT) : last;
  const rf = params.response_format;
  const responseFormat =
    rf !== null && typeof rf === 'object' && typeof (rf as { type?: unknown }).type === 'string' ? (rf as { type: string }).type : 'text';
  const listed = (v: unknown) => Array.isArray(v) && v.length > 0;
  return {
    text,
    turns: messages.length,
    has_code: text.includes(CODE_FENCE) || CODE_LINE.test(text),
    tools: listed(params.tools) || listed(params.functions),
    response_format: responseFormat,
    language: languageOf(text),
  };
}

/** Script of the letters in the text (first 1000 characters); Latin with common English words is en. */
export function languageOf(text: string): string {
  const counts = { latin: 0, han: 0, kana: 0, hangul: 0, cyrillic: 0, arabic: 0 };
  const end = Math.min(text.length, 1000);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) counts.latin++;
    else if (c >= 0x4e00 && c <= 0x9fff) counts.han++;
    else if (c >= 0x3040 && c <= 0x30ff) counts.kana++;
    else if (c >= 0xac00 && c <= 0xd7af) counts.hangul++;
    else if (c >= 0x400 && c <= 0x4ff) counts.cyrillic++;
    else if (c >= 0x600 && c <= 0x6ff) counts.arabic++;
  }
  const [top, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0] as [string, number];
  if (n === 0) return 'other';
  if (top === 'kana' || (top === 'han' && counts.kana > 0)) return 'ja';
  if (top === 'han') return 'zh';
  if (top === 'hangul') return 'ko';
  if (top !== 'latin') return top;
  const words = text
    .slice(0, 1000)
    .toLowerCase()
    .split(/[^a-z]+/);
  let en = 0;
  for (const w of words) if (EN_WORDS.has(w)) en++;
  return en >= 2 || (words.length < 8 && en >= 1) ? 'en' : 'latin';
}
