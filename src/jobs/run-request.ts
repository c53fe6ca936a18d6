import { z } from 'zod';
import { NightlyOptions } from '../domain/nightly.js';
import { RunSourceKind } from '../domain/run.js';

/** A variant as the user named it: a registered policy (its active version) or a policy file's text. */
export const VariantRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('policy'), name: z.string().min(1) }),
  z.object({ kind: z.literal('file'), file: z.string().min(1), text: z.string() }),
]);
export type VariantRef = z.infer<typeof VariantRef>;

export const CacheMode = z.enum(['use', 'off', 'only']);
export type CacheMode = z.infer<typeof CacheMode>;

/** What `routelab run` (or a nightly slot) asks for; resolved and validated by createRun. */
export const RunRequest = z.object({
  policy: z.string().min(1),
  variants: z.array(VariantRef).default([]),
  source: z.object({ kind: RunSourceKind, name: z.string().min(1) }),
  /** With a sample: the golden set whose assertions score matched cases. */
  golden: z.string().min(1).optional(),
  cost_cap_usd: z.number().positive().optional(),
  holdout: z.number().min(0).lt(1).default(0.3),
  seed: z.string().min(1).optional(),
  /** Set by the nightly scheduler: one run per policy per slot. */
  schedule_slot: z.string().optional(),
  /** `use` the response cache, leave it `off`, or use `only` cached answers (no provider call). */
  cache: CacheMode.default('use'),
  /** Share of cached pairs re-asked anyway, chosen by a seeded hash of (seed, case, model). */
  refresh_rate: z.number().min(0).max(1).default(0),
  /** A nightly: the steps after the run (detect, propose, report, notify) and how they alert. */
  nightly: NightlyOptions.optional(),
  /** Cases per chunk job (default 50). */
  chunk_size: z.number().int().positive().optional(),
});
export type RunRequest = z.input<typeof RunRequest>;
export type ResolvedRunRequest = z.output<typeof RunRequest>;
