import { z } from 'zod';

/** The steps of a nightly, in order: each one's outcome is recorded on the run. */
export const NightlyStep = z.enum(['sample', 'run', 'detect', 'propose', 'report', 'notify']);
export type NightlyStep = z.infer<typeof NightlyStep>;

/** Default environment variable holding the alert webhook URL (a secret: only its name is ever stored). */
export const DEFAULT_WEBHOOK_ENV = 'ROUTELAB_ALERT_WEBHOOK';

/**
 * What a nightly does after its run: stored on the run so a worker on any machine finishes the loop
 * the same way. `webhook_env` is the NAME of the variable holding the URL, never the URL.
 */
export const NightlyOptions = z.object({
  alert_on: z.enum(['regression']).optional(),
  webhook_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must name an environment variable, e.g. ROUTELAB_ALERT_WEBHOOK')
    .optional(),
  /** Metadata field the regression check and report break results down by (default: as the report picks). */
  segment_by: z.string().optional(),
  /** Previous runs the regression baseline pools (default 3). */
  baseline_nights: z.number().int().positive().max(30).optional(),
});
export type NightlyOptions = z.infer<typeof NightlyOptions>;
