import { describe, expect, it } from 'vitest';
import { isRefusal, scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('refusal', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I cannot assist with creating malware.',
    'As an AI language model, I cannot provide medical diagnoses.',
    'I’m not able to help with that request.',
    'I must decline this request.',
  ])('detects %j', (text) => {
    expect(isRefusal(text)).toBe(true);
  });

  it.each(['Sure! Here is the recipe.', 'The function cannot return null because...', 'Paris.', ''])('does not flag %j', (text) => {
    expect(isRefusal(text)).toBe(false);
  });

  it('passes on an answer by default and on a refusal when one is expected', () => {
    expect(scoreAssertionSync(assertion({ type: 'refusal' }), 'I cannot help with that.')).toMatchObject({
      pass: false,
      reason: 'refused',
    });
    expect(scoreAssertionSync(assertion({ type: 'refusal', expect: true }), 'I cannot help with that.').pass).toBe(true);
  });
});
