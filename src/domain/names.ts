import { escapeVisible } from './sanitize.js';

/**
 * Names users give things (policies first) are compared as a reader sees them. On the way in a name
 * is NFC-normalised (`cafe` + U+0301 becomes `café`) and may not hold control or invisible format
 * characters; a name that looks like an existing one but is not equal to it is refused, both shown
 * escaped. Pure.
 */

/** A control character, or an invisible format character (category Cf, tags U+E0000–E007F included). */
const HIDDEN = /[\p{Cc}\p{Cf}\u{e0000}-\u{e0fff}]/u;

export function normaliseName(name: string): string {
  return name.normalize('NFC');
}

/** Why `name` cannot be used as a name, or null. */
export function hiddenCharacterProblem(name: string): string | null {
  return HIDDEN.test(name) ? `"${escapeVisible(name)}" holds a control or invisible character; names must be visible text` : null;
}

/** What a name looks like: compatibility forms folded, marks and invisible characters dropped, lower case. */
export function nameSkeleton(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}\p{Cc}\u{e0000}-\u{e0fff}]/gu, '')
    .toLowerCase();
}

/** The first of `existing` that looks like `name` without being it, or undefined. */
export function confusableWith(name: string, existing: Iterable<string>): string | undefined {
  const skeleton = nameSkeleton(name);
  for (const other of existing) if (other !== name && nameSkeleton(other) === skeleton) return other;
  return undefined;
}

export function confusableMessage(kind: string, name: string, other: string): string {
  return `${kind} name "${escapeVisible(name)}" looks like the existing ${kind} "${escapeVisible(other)}"; choose a name that reads differently`;
}
