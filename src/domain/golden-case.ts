import { z } from 'zod';
import { Message } from './traffic-record.js';

/** Common to every assertion: its weight in the case score and, where it has one, a pass threshold. */
const base = { weight: z.number().positive().default(1), threshold: z.number().min(0).max(1).optional() };

export const Assertion = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exact'), value: z.string(), ...base }),
  z.object({ type: z.literal('normalized'), value: z.string(), ...base }),
  z.object({ type: z.literal('contains'), values: z.array(z.string()).min(1), mode: z.enum(['any', 'all']).default('any'), case_sensitive: z.boolean().default(false), ...base }),
  z.object({ type: z.literal('not_contains'), values: z.array(z.string()).min(1), case_sensitive: z.boolean().default(false), ...base }),
  z.object({ type: z.literal('regex'), pattern: z.string(), flags: z.string().optional(), ...base }),
  z.object({ type: z.literal('json_valid'), ...base }),
  z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()), ...base }),
  z.object({ type: z.literal('json_equal'), value: z.unknown(), ...base }),
  z.object({ type: z.literal('json_subset'), value: z.unknown(), ...base }),
  z.object({ type: z.literal('numeric'), value: z.number().optional(), tolerance: z.number().min(0).default(1e-6), ...base }),
  z.object({ type: z.literal('multiple_choice'), value: z.string().regex(/^[A-Za-z]$/), ...base }),
  z.object({ type: z.literal('token_f1'), value: z.string().optional(), ...base }),
  z.object({ type: z.literal('rouge_l'), value: z.string().optional(), ...base }),
  z.object({ type: z.literal('levenshtein'), value: z.string().optional(), ...base }),
  z.object({ type: z.literal('length'), min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional(), unit: z.enum(['chars', 'words']).default('chars'), ...base }),
  z.object({ type: z.literal('refusal'), expect: z.boolean().default(false), ...base }),
  z.object({ type: z.literal('judge'), mode: z.enum(['rubric', 'pairwise']).default('rubric'), rubric: z.string().optional(), model: z.string().optional(), ...base }),
]);
export type Assertion = z.infer<typeof Assertion>;
export type AssertionType = Assertion['type'];

export const GoldenCase = z.object({
  id: z.string().min(1),
  input: z.object({ messages: z.array(Message).min(1) }),
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** The reference answer; scorers without their own `value` compare against it. */
  reference: z.string().optional(),
  assertions: z.array(Assertion).min(1),
  /** False for cases bootstrapped from traffic (`golden from-sample`) until a person reviews them. */
  reviewed: z.boolean().default(true),
  /** Optional timestamp (ISO) so stateful evaluation (budgets, round robin) can order cases. */
  timestamp: z.string().optional(),
});
export type GoldenCase = z.infer<typeof GoldenCase>;

/** What every scorer returns; a scorer never throws on bad model output. */
export interface ScoreResult {
  score: number;
  pass: boolean;
  reason: string;
}
