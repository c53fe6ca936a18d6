import { stringify } from 'yaml';
import { PolicySpec } from '../../domain/policy-spec.js';
import { sanitize } from '../../domain/sanitize.js';

export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
}

/** Line diff by longest common subsequence: policies are tens of lines, so O(n·m) is nothing. */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] as string });
      i++;
      j++;
    } else if (((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number)) {
      out.push({ op: '-', text: a[i++] as string });
    } else {
      out.push({ op: '+', text: b[j++] as string });
    }
  }
  while (i < n) out.push({ op: '-', text: a[i++] as string });
  while (j < m) out.push({ op: '+', text: b[j++] as string });
  return out;
}

/**
 * jsonb hands keys back in its own order (shortest first); parsing through the schema restores the
 * document order (spec_version, kind, name, …) so the diff reads like the file a user wrote.
 */
export function canonicalSpec(spec: PolicySpec): PolicySpec {
  const parsed = PolicySpec.safeParse(spec);
  return parsed.success ? parsed.data : spec;
}

/** The exact change a promotion makes, as the watsonx YAML a reviewer would read in a PR. */
export function policyDiff(current: PolicySpec, proposed: PolicySpec): DiffLine[] {
  const lines = (s: PolicySpec) =>
    sanitize(stringify(canonicalSpec(s)))
      .replace(/\n$/, '')
      .split('\n');
  return diffLines(lines(current), lines(proposed));
}
