import type { Issue } from '../domain/errors.js';
import { loadLocatedYaml, MAX_YAML_DEPTH, type LocatedDocument } from '../domain/located-yaml.js';
import type { Result } from '../domain/result.js';

/**
 * Safe loading of a policy document (YAML or JSON — JSON is read as YAML so both get line numbers),
 * through the one hardened loader (src/domain/located-yaml.ts) with the policies' own size cap.
 */

/** Policies are small; 256 KiB is generous and keeps the worst case parse well under a second. */
export const MAX_POLICY_BYTES = 256 * 1024;
export const MAX_POLICY_DEPTH = MAX_YAML_DEPTH;

export type { PathSegment } from '../domain/located-yaml.js';
export type SourceDocument = LocatedDocument;

export function loadYamlSource(text: string, file?: string): Result<SourceDocument, Issue[]> {
  return loadLocatedYaml(text, { ...(file !== undefined ? { file } : {}), maxBytes: MAX_POLICY_BYTES, kind: 'policies' });
}
