import { z } from 'zod';
import { ModelPrice } from '../domain/catalog-entry.js';
import type { Issue } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import { parseLocatedYaml, zodIssues } from './yaml-document.js';

const Probability = z.number().min(0).max(1);

/** One simulated model: how often it is right per segment, how slow, how verbose, how flaky. */
export const FleetModel = z.strictObject({
  name: z.string().min(1),
  /** P(correct answer) per segment; `default` for segments not listed. */
  quality: z.record(z.string(), Probability).refine((q) => q.default !== undefined, 'quality needs a `default` entry'),
  latency_ms: z
    .strictObject({ median: z.number().positive(), p95: z.number().positive() })
    .refine((l) => l.p95 >= l.median, 'p95 must be at least the median'),
  output_tokens: z.strictObject({ mean: z.number().positive() }),
  /** Per-request probability of each failure status. */
  errors: z
    .record(z.string().regex(/^[1-5]\d\d$/, 'error keys are HTTP status codes such as "429"'), Probability)
    .default({})
    .refine((e) => Object.values(e).reduce((a, b) => a + b, 0) <= 1, 'error probabilities add up to more than 1'),
  price: ModelPrice.optional(),
});
export type FleetModel = z.infer<typeof FleetModel>;

export const FleetSpec = z
  .strictObject({
    seed: z.union([z.number().int(), z.string()]).default(0),
    models: z.array(FleetModel).min(1, 'the fleet lists no models'),
    /** Fraction of the simulated latency actually slept (0 = none): demos can feel real, tests stay fast. */
    time_scale: z.number().min(0).max(1).default(0),
  })
  .refine((f) => new Set(f.models.map((m) => m.name)).size === f.models.length, 'a model is listed twice');
export type FleetSpec = z.infer<typeof FleetSpec>;

/** One known input: the right answer and a plausible wrong one, keyed by inputKey(messages). */
export const AnswerEntry = z.object({
  key: z.string().min(1),
  segment: z.string().min(1).default('default'),
  correct: z.string(),
  wrong: z.string(),
});
export type AnswerEntry = z.infer<typeof AnswerEntry>;

export function parseFleetText(text: string, file: string): Result<FleetSpec, Issue[]> {
  const doc = parseLocatedYaml(text, file);
  if (!doc.ok) return doc;
  const parsed = FleetSpec.safeParse(doc.value.value ?? {});
  return parsed.success ? ok(parsed.data) : err(zodIssues(parsed.error, doc.value));
}

/** answers.jsonl: one AnswerEntry per line; blank lines are skipped; every bad line is reported. */
export function parseAnswersText(text: string, file: string): Result<AnswerEntry[], Issue[]> {
  const issues: Issue[] = [];
  const answers: AnswerEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      issues.push({ file, line: i + 1, message: 'not valid JSON' });
      return;
    }
    const parsed = AnswerEntry.safeParse(json);
    if (parsed.success) answers.push(parsed.data);
    else issues.push(...parsed.error.issues.map((e) => ({ file, line: i + 1, field: e.path.join('.') || undefined, message: e.message })));
  });
  return issues.length > 0 ? err(issues) : ok(answers);
}
