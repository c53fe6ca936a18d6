import { z } from 'zod';
import { DataRecordSchema } from './data-record.js';
import { Message } from './traffic-record.js';

/**
 * Common to every assertion: its weight in the case score and an optional pass threshold. When
 * `threshold` is set the assertion passes iff its score ≥ threshold, replacing the scorer's own rule
 * (useful for graded scorers: `contains` with mode `all`, `token_f1`, `rouge_l`, `judge`).
 */
const base = { weight: z.number().positive().default(1), threshold: z.number().min(0).max(1).optional() };

/** Text scorers compare to `value`, or to the case's `reference` when `value` is absent. */
const optionalText = z.string().optional();

/** Strict objects: a misspelt option (`tolerence`) is reported instead of silently ignored. */
export const Assertion = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('exact'), value: optionalText, ...base }),
  z.strictObject({ type: z.literal('normalized'), value: optionalText, ...base }),
  z.strictObject({
    type: z.literal('contains'),
    values: z.array(z.string().min(1)).min(1),
    mode: z.enum(['any', 'all']).default('any'),
    case_sensitive: z.boolean().default(false),
    ...base,
  }),
  /** mode `any` (default): fails when any value appears; `all`: fails only when every value appears. */
  z.strictObject({
    type: z.literal('not_contains'),
    values: z.array(z.string().min(1)).min(1),
    mode: z.enum(['any', 'all']).default('any'),
    case_sensitive: z.boolean().default(false),
    ...base,
  }),
  z.strictObject({
    type: z.literal('regex'),
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[dgimsuvy]*$/, 'flags may only use d g i m s u v y')
      .optional(),
    ...base,
  }),
  z.strictObject({ type: z.literal('json_valid'), ...base }),
  z.strictObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()), ...base }),
  /** `value` is the expected JSON itself; absent, the reference is parsed as JSON. */
  z.strictObject({ type: z.literal('json_equal'), value: z.unknown().optional(), ...base }),
  z.strictObject({ type: z.literal('json_subset'), value: z.unknown().optional(), ...base }),
  z.strictObject({ type: z.literal('numeric'), value: z.number().optional(), tolerance: z.number().min(0).default(1e-6), ...base }),
  /** `choices` lists the valid letters (default A through D, or up to the expected letter). */
  z.strictObject({
    type: z.literal('multiple_choice'),
    value: z
      .string()
      .regex(/^[A-Za-z]$/)
      .optional(),
    choices: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .optional(),
    ...base,
  }),
  z.strictObject({ type: z.literal('token_f1'), value: optionalText, ...base }),
  z.strictObject({ type: z.literal('rouge_l'), value: optionalText, ...base }),
  z.strictObject({ type: z.literal('levenshtein'), value: optionalText, ...base }),
  z.strictObject({
    type: z.literal('length'),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    unit: z.enum(['chars', 'words']).default('chars'),
    ...base,
  }),
  /** expect false (default): passes when the model did not refuse; true: passes when it did. */
  z.strictObject({ type: z.literal('refusal'), expect: z.boolean().default(false), ...base }),
  z.strictObject({
    type: z.literal('judge'),
    mode: z.enum(['rubric', 'pairwise']).default('rubric'),
    rubric: z.string().optional(),
    model: z.string().optional(),
    ...base,
  }),
]);
export type Assertion = z.infer<typeof Assertion>;
export type AssertionType = Assertion['type'];

/** YAML authors write `id: 12` and `reference: 18`; both are kept as text. */
const textLike = z.union([z.string(), z.number()]).transform(String);

export const GoldenInput = z.union([
  /** Shorthand: a single user message. */
  z
    .string()
    .min(1)
    .transform((content) => ({ messages: [{ role: 'user', content }] })),
  z.object({ messages: z.array(Message).min(1) }),
]);

/** Strict, like the assertions: a misspelt key (`refrence`) is an error, not a silent no-op. */
export const GoldenCase = z.strictObject({
  id: textLike.pipe(z.string().min(1)),
  input: GoldenInput,
  metadata: DataRecordSchema(z.unknown()).default({}),
  /** The reference answer; scorers without their own `value` compare against it. */
  reference: textLike.optional(),
  assertions: z.array(Assertion).min(1),
  /** False for cases bootstrapped from traffic (`golden from-sample`) until a person reviews them. */
  reviewed: z.boolean().default(true),
  /** Optional timestamp (ISO) so stateful evaluation (budgets, round robin) can order cases. */
  timestamp: z.string().optional(),
});
export type GoldenCase = z.infer<typeof GoldenCase>;

/** What every scorer returns; a scorer never throws on bad model output. */
export const ScoreResult = z.object({
  score: z.number().min(0).max(1),
  pass: z.boolean(),
  reason: z.string(),
});
export type ScoreResult = z.infer<typeof ScoreResult>;

/** Where LLM-as-judge verdicts are kept between runs (the judge_cache table in production). */
export interface JudgeCache {
  get(key: string): Promise<ScoreResult | undefined>;
  set(key: string, v: ScoreResult): Promise<void>;
}
