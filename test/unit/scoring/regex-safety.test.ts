import { describe, expect, it } from 'vitest';
import { nestedQuantifier } from '../../../src/scoring/regex-safety.js';

describe('nestedQuantifier', () => {
  it.each(['(a+)+b', '(\\w*\\s?)*$', '((ab)*c)+', '(x+y?){2,}', '(?:a|b+)*'])('flags %s', (p) => {
    expect(nestedQuantifier(p)).toBeDefined();
  });

  it.each(['\\d+', '(ab)+', '[a+]+', 'order #\\d{4}', '(\\d{3})-(\\d{4})', '(a+){2}', '\\(a+\\)+', '"id":\\s*"ord_\\d+"'])('accepts %s', (p) => {
    expect(nestedQuantifier(p)).toBeUndefined();
  });
});
