import { describe, expect, it } from 'vitest';
import { parseField, readField } from '../../../src/domain/request-field.js';
import { requestInput } from '../../../src/domain/request-input.js';
import { compileCondition } from '../../../src/policy/condition.js';
import type { PathIssue } from '../../../src/policy/request-context.js';
import { segmentValue } from '../../../src/stats/run-analysis.js';

const req = {
  metadata: { eval_name: 'mbpp', user: { tier: 'gold' } },
  params: { temperature: 0.2 },
  input_tokens: 42,
  input: requestInput([{ role: 'user', content: 'Write a python function:\n```def f(): pass```' }]),
};

describe('one field resolver', () => {
  it('metadata.X and plain X name the same field; params.X, input_tokens and input.* are read', () => {
    for (const name of ['metadata.eval_name', 'eval_name']) expect(segmentValue(req, name)).toBe('mbpp');
    expect(segmentValue(req, 'metadata.user.tier')).toBe('gold');
    expect(segmentValue(req, 'params.temperature')).toBe('0.2');
    expect(segmentValue(req, 'input_tokens')).toBe('42');
    expect(segmentValue(req, 'input.has_code')).toBe('true');
    expect(segmentValue(req, 'metadata.missing')).toBe('(none)');
  });

  it('conditions refuse a bare name, flags accept it', () => {
    expect(parseField('intent', 'error').ok).toBe(false);
    expect(parseField('input.nope').ok).toBe(false);
    const f = parseField('intent');
    expect(f.ok && f.field.name).toBe('metadata.intent');
    const issues: PathIssue[] = [];
    compileCondition({ intent: 'x' }, ['when'], issues);
    expect(issues[0]?.path).toEqual(['when', 'intent']);
  });

  it('conditions read derived request fields at routing time', () => {
    const issues: PathIssue[] = [];
    const p = compileCondition(
      { 'input.has_code': true, 'input.turns': { $lte: 2 }, 'input.text': { $regex: '\\bpython\\b', $options: 'i' } },
      [],
      issues,
    );
    expect(issues).toEqual([]);
    expect(p({ ...req, timestamp_ms: 0 })).toBe(true);
    expect(p({ ...req, input: requestInput([{ role: 'user', content: 'hello there' }]), timestamp_ms: 0 })).toBe(false);
    // A request routed without derived fields matches no input.* test.
    expect(p({ metadata: {}, params: {}, input_tokens: 1, timestamp_ms: 0 })).toBe(false);
  });

  it('does not read inherited properties as fields', () => {
    const parsed = parseField('metadata.constructor');
    expect(parsed.ok && readField(req, parsed.field)).toBeUndefined();
  });
});

describe('request input', () => {
  it('derives turns, code, tools, response format and language', () => {
    const r = requestInput(
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'Quelle heure est-il ?' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: '你好，请帮我翻译这段话' },
      ],
      { tools: [{ type: 'function' }], response_format: { type: 'json_object' } },
    );
    expect(r).toMatchObject({
      turns: 4,
      tools: true,
      response_format: 'json_object',
      language: 'zh',
      has_code: false,
      text: '你好，请帮我翻译这段话',
    });
    expect(requestInput([{ role: 'user', content: 'What is the capital of France and why?' }]).language).toBe('en');
  });
});
