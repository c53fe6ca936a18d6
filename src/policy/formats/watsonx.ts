import { Document, isScalar, visit } from 'yaml';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { Converted, Path } from './format.js';

/**
 * The native format: watsonx Orchestrate `spec_version: v1, kind: model` (plus routelab's
 * extensions in the same document). Read as is; `on_status_codes` stays wherever it was written
 * (under `strategy` or `retry`, as the two seed copies differ), so a round trip is identical.
 */
export function readWatsonx(value: unknown): Converted {
  return { candidate: value, issues: [], notes: [], sourcePath: (p: Path) => p };
}

export function writeWatsonxYaml(spec: PolicySpec): string {
  const doc = new Document(spec, { aliasDuplicateObjects: false });
  // Status-code lists read best inline, as the watsonx docs write them: [503, 504].
  visit(doc, {
    Seq(_, node) {
      if (node.items.length && node.items.every((i) => isScalar(i) && typeof i.value === 'number')) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export function writeWatsonxJson(spec: PolicySpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}
