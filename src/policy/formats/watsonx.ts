import { Document, isScalar, visit } from 'yaml';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { PathIssue } from '../request-context.js';
import type { Converted, Path } from './format.js';

/**
 * The native format: watsonx Orchestrate `spec_version: v1, kind: model` (plus routelab's
 * extensions in the same document). Read as is; `on_status_codes` stays wherever it was written
 * (under `strategy` or `retry`, as the two seed copies differ), so a round trip is identical.
 */
export function readWatsonx(value: unknown): Converted {
  return { candidate: value, issues: [], notes: [], sourcePath: (p: Path) => p };
}

/**
 * What the watsonx Orchestrate seed format has no field for: it routes by loadbalance, fallback or
 * single over targets, nothing else. Refused by field name instead of written for a deploy to drop.
 */
export function watsonxIssues(spec: PolicySpec): PathIssue[] {
  const issues: PathIssue[] = [];
  const mode = spec.policy.strategy.mode;
  if (!WATSONX_MODES.includes(mode))
    issues.push({ path: ['policy', 'strategy', 'mode'], message: `watsonx has no ${mode} mode (it has ${WATSONX_MODES.join(', ')})` });
  for (const field of ['rules', 'budget', 'guardrails'] as const) {
    if (spec.policy[field] !== undefined) issues.push({ path: ['policy', field], message: `watsonx has no ${field}` });
  }
  return issues;
}
const WATSONX_MODES: readonly string[] = ['loadbalance', 'fallback', 'single'];

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
