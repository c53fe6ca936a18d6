import { checkExhaustive, type Issue } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import { err, ok, type Result } from '../domain/result.js';
import type { ExportFormat } from './formats/format.js';
import { writeLitellm } from './formats/litellm.js';
import { writeOrq } from './formats/orq.js';
import { writePortkey } from './formats/portkey.js';
import { watsonxIssues, writeWatsonxJson, writeWatsonxYaml } from './formats/watsonx.js';
import { formatPath } from './parse.js';
import type { PathIssue } from './request-context.js';

/**
 * A spec → text in a target format. Whatever the target cannot express is refused by field name
 * (never dropped silently); the caller decides whether to drop it from the spec and try again.
 */
export function exportPolicy(spec: PolicySpec, format: ExportFormat): Result<string, Issue[]> {
  // A learned scorer runs only in routelab's router: no gateway format can express it.
  const scorer: PathIssue[] = spec.policy.scorer
    ? [
        {
          path: ['policy', 'scorer'],
          message: `${format} cannot express a learned scorer (policy.scorer): it is evaluated only by routelab's router; export a rule-based proposal instead`,
        },
      ]
    : [];
  const written = write(spec, format);
  written.issues.unshift(...scorer);
  if (written.issues.length)
    return err(written.issues.map((i) => ({ path: formatPath(i.path), field: formatPath(i.path), message: i.message })));
  return ok(written.text);
}

/**
 * routelab's own document as YAML, with the extensions watsonx lacks (rules, budget, guardrails,
 * conditional and round_robin modes): for showing a policy, never for a deploy (use exportPolicy).
 */
export function policyDocumentYaml(spec: PolicySpec): string {
  return writeWatsonxYaml(spec);
}

function write(spec: PolicySpec, format: ExportFormat): { issues: PathIssue[]; text: string } {
  switch (format) {
    case 'watsonx': {
      const issues = watsonxIssues(spec);
      return { issues, text: issues.length ? '' : writeWatsonxYaml(spec) };
    }
    case 'watsonx-json': {
      const issues = watsonxIssues(spec);
      return { issues, text: issues.length ? '' : writeWatsonxJson(spec) };
    }
    case 'portkey':
      return writePortkey(spec);
    case 'litellm':
      return writeLitellm(spec);
    case 'orq':
      return writeOrq(spec);
    default:
      return checkExhaustive(format);
  }
}
