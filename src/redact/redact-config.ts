import { z } from 'zod';
import { InputError } from '../domain/errors.js';
import { loadLocatedYaml } from '../domain/located-yaml.js';
import type { UserPattern } from './redact-text.js';

/**
 * `.routelab/redact.yaml`:
 *   patterns:
 *     - 'ACME-\d{6}'                       # placeholder [REDACTED:custom]
 *     - { name: ticket, pattern: 'T-\d+' }  # placeholder [REDACTED:ticket]
 */
export const RedactConfig = z.object({
  patterns: z.array(z.union([z.string().min(1), z.object({ name: z.string().min(1).optional(), pattern: z.string().min(1) })])).default([]),
});
export type RedactConfig = z.infer<typeof RedactConfig>;

export const REDACT_CONFIG_PATH = '.routelab/redact.yaml';

/** Parse the file's text; a bad document is an InputError naming the file and field. */
export function parseRedactConfig(text: string, file: string): UserPattern[] {
  // The one hardened loader (size, depth, alias and tag limits): src/domain/located-yaml.ts.
  const loaded = loadLocatedYaml(text, { file, kind: 'redaction configs' });
  if (!loaded.ok) throw new InputError(`${file}: not valid YAML`, loaded.error);
  const doc: unknown = loaded.value.value ?? {};
  const result = RedactConfig.safeParse(doc);
  if (!result.success) {
    throw new InputError(
      `${file}: not a redaction config`,
      result.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data.patterns;
}
