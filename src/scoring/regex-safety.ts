/**
 * A cheap guard against catastrophic backtracking: an unbounded quantifier applied to a group that
 * itself contains an unbounded quantifier — `(a+)+`, `(\w*\s?)*`, `(x+y?){2,}` — is the classic
 * exponential shape. Such a pattern is rejected when the golden set loads; the author rewrites it
 * (possessive forms do not exist in JS). Scoring additionally caps the text scanned.
 */
export function nestedQuantifier(pattern: string): string | undefined {
  // Per open group: does its body hold an unbounded quantifier? And where did it open?
  const stack: Array<{ unbounded: boolean; start: number }> = [];
  let inClass = false;
  let lastAtomUnboundedGroup: { start: number } | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      lastAtomUnboundedGroup = undefined;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      lastAtomUnboundedGroup = undefined;
      continue;
    }
    if (ch === '(') {
      stack.push({ unbounded: false, start: i });
      lastAtomUnboundedGroup = undefined;
      continue;
    }
    if (ch === ')') {
      const g = stack.pop();
      if (!g) continue;
      lastAtomUnboundedGroup = g.unbounded ? { start: g.start } : undefined;
      if (g.unbounded && stack.length > 0) {
        const parent = stack[stack.length - 1];
        if (parent) parent.unbounded = true;
      }
      continue;
    }
    const unbounded = ch === '*' || ch === '+' || (ch === '{' && /^\{\d+,\}/.test(pattern.slice(i)));
    if (unbounded) {
      if (lastAtomUnboundedGroup) return pattern.slice(lastAtomUnboundedGroup.start, i + 1);
      const top = stack[stack.length - 1];
      if (top) top.unbounded = true;
    }
    lastAtomUnboundedGroup = undefined;
  }
  return undefined;
}
