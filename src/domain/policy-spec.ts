import { z } from 'zod';
import { Scorer } from './scorer-spec.js';

/**
 * The policy document: the watsonx Orchestrate `spec_version: v1, kind: model` YAML exactly as in
 * ../shared/seeds, plus the orq.ai / router-policy extensions (DESIGN.md §1). This zod schema is the
 * only definition of the type; semantic checks with YAML locations live in src/policy/validate.ts.
 */

/** Codes that trigger retry or strategy: HTTP error statuses only (a 2xx is success, never a trigger). */
export const StatusCode = z
  .number()
  .int('a status code is a whole number')
  .min(400, 'not an HTTP error status: use a code in 400-599')
  .max(599, 'not an HTTP error status: use a code in 400-599');

/** Far above any real policy; lets the router track tried targets in one 32-bit mask. */
export const MAX_TARGETS = 32;

export const StrategyMode = z.enum(['loadbalance', 'fallback', 'single', 'round_robin', 'conditional']);
export type StrategyMode = z.infer<typeof StrategyMode>;

// Objects are strict: a misspelt key (`wieght`) is refused with its location, never ignored.
export const Target = z.strictObject({
  model_name: z.string().min(1),
  /** In (0, 1] as the seed says; default 1. Checked with its location by validate.ts. */
  weight: z.number().optional(),
});
export type Target = z.infer<typeof Target>;

export const Strategy = z.strictObject({
  mode: StrategyMode,
  on_status_codes: z.array(StatusCode).optional(),
});
export type Strategy = z.infer<typeof Strategy>;

export const Retry = z.strictObject({
  /** Retries after the first try (the Portkey reading the watsonx format mirrors). */
  attempts: z.number().int().min(0).max(10).optional(),
  on_status_codes: z.array(StatusCode).optional(),
});
export type Retry = z.infer<typeof Retry>;

/** A mongo-style condition over `metadata.*`, `params.*`, `input_tokens`. */
export type Condition = { [field: string]: unknown };
export const Condition: z.ZodType<Condition> = z.record(z.string(), z.unknown());

export const Rule = z.strictObject({
  name: z.string().optional(),
  /** Higher wins; ties keep document order. */
  priority: z.number().optional(),
  when: Condition,
  strategy: Strategy.optional(),
  retry: Retry.optional(),
  targets: z.array(Target).min(1).max(MAX_TARGETS),
});
export type Rule = z.infer<typeof Rule>;

export const GuardrailAction = z.enum(['block', 'flag']);
export type GuardrailAction = z.infer<typeof GuardrailAction>;
export const Guardrail = z.strictObject({
  name: z.string().optional(),
  when: Condition,
  action: GuardrailAction,
});
export type Guardrail = z.infer<typeof Guardrail>;

export const BudgetPeriod = z.enum(['hourly', 'daily', 'weekly', 'monthly']);
export type BudgetPeriod = z.infer<typeof BudgetPeriod>;
export const BudgetLimit = z.strictObject({ limit: z.number(), period: BudgetPeriod });
export const BudgetKind = z.enum(['max_spend_usd', 'max_tokens', 'max_requests']);
export type BudgetKind = z.infer<typeof BudgetKind>;
export type BudgetLimit = z.infer<typeof BudgetLimit>;
export const Budget = z.strictObject({
  max_spend_usd: BudgetLimit.optional(),
  max_tokens: BudgetLimit.optional(),
  max_requests: BudgetLimit.optional(),
});
export type Budget = z.infer<typeof Budget>;

export const PolicyBody = z.strictObject({
  strategy: Strategy,
  retry: Retry.optional(),
  targets: z.array(Target).max(MAX_TARGETS).optional(),
  rules: z.array(Rule).optional(),
  guardrails: z.array(Guardrail).optional(),
  budget: Budget.optional(),
  /** `global` or a project id. */
  scope: z.string().optional(),
  enabled: z.boolean().optional(),
  /** A learned per-request scorer (routelab only; requests without derived input use the rest). */
  scorer: Scorer.optional(),
});
export type PolicyBody = z.infer<typeof PolicyBody>;

export const PolicySpec = z.strictObject({
  spec_version: z.literal('v1'),
  kind: z.literal('model'),
  name: z.string().min(1),
  description: z.string().optional(),
  display_name: z.string().optional(),
  policy: PolicyBody,
});
export type PolicySpec = z.infer<typeof PolicySpec>;
