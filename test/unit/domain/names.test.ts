import { describe, expect, it } from 'vitest';
import { confusableWith, hiddenCharacterProblem, normaliseName } from '../../../src/domain/names.js';
import { escapeVisible, sanitizeInline } from '../../../src/domain/sanitize.js';

const PRECOMPOSED = 'caf\u00e9';
const DECOMPOSED = 'cafe\u0301';
const TAGGED = 'cafe\u{e0041}';

describe('names a reader can tell apart', () => {
  it('normalises to NFC, so the two ways of writing café are one name', () => {
    expect(normaliseName(DECOMPOSED)).toBe(PRECOMPOSED);
  });

  it('refuses hidden characters (tags, zero-width, controls), showing them escaped', () => {
    for (const name of [TAGGED, 'ca\u200bfe', 'cafe\u001b[2J']) expect(hiddenCharacterProblem(name)).toMatch(/\\u\{/);
    expect(hiddenCharacterProblem(PRECOMPOSED)).toBeNull();
  });

  it('finds a name that looks like an existing one but is not it', () => {
    expect(confusableWith(PRECOMPOSED, ['cafe', 'bar'])).toBe('cafe');
    expect(confusableWith('ｃａｆｅ', ['cafe'])).toBe('cafe');
    expect(confusableWith('cafe', ['cafe', 'bar'])).toBeUndefined();
    expect(confusableWith('cafes', ['cafe'])).toBeUndefined();
  });

  it('shows look-alikes apart when escaped, and the terminal strips tag characters', () => {
    expect(escapeVisible(PRECOMPOSED)).toBe('caf\\u{e9}');
    expect(escapeVisible(DECOMPOSED)).toBe('cafe\\u{301}');
    expect(sanitizeInline(TAGGED)).toBe('cafe');
    expect(sanitizeInline('a\u{e0001}\u{e0020}b\u2066c')).toBe('abc');
  });
});
