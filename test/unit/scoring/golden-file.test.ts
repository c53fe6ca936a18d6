import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/domain/errors.js';
import { parseGoldenText } from '../../../src/scoring/index.js';

const yaml = `name: tiny
cases:
  - id: 7
    input: "What is 2+2?"
    reference: 4
    assertions:
      - type: numeric
      - type: token_f1
        value: four
        weight: 2
  - id: chat
    input:
      messages:
        - { role: system, content: be brief }
        - { role: user, content: hi }
    assertions: [{ type: length, max: 20 }]
`;

function issuesOf(text: string, file: string): string[] {
  const r = parseGoldenText(text, file);
  if (r.ok) throw new Error('expected the file to be rejected');
  return r.error.map(formatIssue);
}

describe('parseGoldenText: YAML', () => {
  it('reads the set name and cases, applying defaults and shorthands', () => {
    const r = parseGoldenText(yaml, 'tiny.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.name).toBe('tiny');
    const [first, second] = r.value.cases;
    expect(first).toMatchObject({
      id: '7',
      reference: '4',
      reviewed: true,
      metadata: {},
      input: { messages: [{ role: 'user', content: 'What is 2+2?' }] },
    });
    expect(first?.assertions).toEqual([
      { type: 'numeric', tolerance: 1e-6, weight: 1 },
      { type: 'token_f1', value: 'four', weight: 2 },
    ]);
    expect(second?.input.messages).toHaveLength(2);
  });

  it('accepts a bare list of cases', () => {
    const r = parseGoldenText('- id: x\n  input: hi\n  assertions: [{type: json_valid}]\n', 'list.yml');
    expect(r.ok && r.value.cases.map((c) => c.id)).toEqual(['x']);
  });

  it('names the file, line and path of each mistake', () => {
    const text = `cases:
  - id: a
    input: hi
    assertions:
      - type: regex
        pattern: "([a-z"
  - id: b
    input: hi
    assertions:
      - type: numeric
        tolerence: 0.1
        value: 3
  - id: c
    input: hi
    assertions:
      - type: json_schema
        schema: { type: strnig }
  - id: a
    input: again
    assertions:
      - type: rouge
`;
    const issues = issuesOf(text, 'g.yaml');
    expect(issues[0]).toMatch(/^g\.yaml, line 6:18, cases\[0\]\.assertions\[0\]\.pattern: pattern does not compile/);
    expect(issues[1]).toBe('g.yaml, line 11:20, cases[1].assertions[0].tolerence: unknown key "tolerence"');
    expect(issues[2]).toMatch(/^g\.yaml, line 17:17, cases\[2\]\.assertions\[0\]\.schema: JSON Schema does not compile/);
    expect(issues[3]).toBe('g.yaml, line 18:9, cases[3].id: duplicate case id "a" (also cases[0])');
    expect(issues[4]).toMatch(/^g\.yaml, line 21:15, cases\[3\]\.assertions\[0\]\.type: unknown type; expected one of: exact, normalized/);
    expect(issues).toHaveLength(5);
  });

  it('reports duplicate case ids', () => {
    const text =
      'cases:\n  - {id: a, input: x, assertions: [{type: json_valid}]}\n  - {id: a, input: y, assertions: [{type: json_valid}]}\n';
    expect(issuesOf(text, 'd.yaml')).toEqual(['d.yaml, line 3:10, cases[1].id: duplicate case id "a" (also cases[0])']);
  });

  it('accepts nested quantifiers (they run on the linear-time engine) and refuses backreferences by name', () => {
    const nested = 'cases:\n  - id: a\n    input: x\n    assertions:\n      - {type: regex, pattern: "(\\\\w+\\\\s?)*$"}\n';
    expect(parseGoldenText(nested, 'r.yaml').ok).toBe(true);
    const backref = 'cases:\n  - id: a\n    input: x\n    assertions:\n      - {type: regex, pattern: "(a)\\\\1"}\n';
    const [issue] = issuesOf(backref, 'r.yaml');
    expect(issue).toMatch(
      /^r\.yaml, line 5:32, cases\[0\]\.assertions\[0\]\.pattern: pattern does not compile: backreferences are not supported/,
    );
  });

  it('requires a usable reference for assertions without a value', () => {
    const text = `cases:
  - {id: a, input: x, assertions: [{type: exact}]}
  - {id: b, input: x, reference: "no digits", assertions: [{type: numeric}]}
  - {id: c, input: x, reference: "Jupiter", assertions: [{type: multiple_choice}]}
  - {id: d, input: x, reference: "{oops", assertions: [{type: json_equal}]}
  - {id: e, input: x, assertions: [{type: judge, mode: pairwise}]}
  - {id: f, input: x, assertions: [{type: length, min: 5, max: 2}]}
`;
    const issues = issuesOf(text, 'ref.yaml');
    expect(issues).toEqual([
      'ref.yaml, line 2:36, cases[0].assertions[0].value: exact needs a `value` or a case `reference` to compare with',
      'ref.yaml, line 3:60, cases[1].assertions[0].value: numeric has no `value` and the reference holds no number',
      'ref.yaml, line 4:58, cases[2].assertions[0].value: multiple_choice has no `value` and the reference is not a single letter',
      'ref.yaml, line 5:56, cases[3].assertions[0].value: json_equal has no `value` and the reference is not JSON',
      'ref.yaml, line 6:56, cases[4].assertions[0].mode: pairwise judging needs a case `reference`',
      'ref.yaml, line 7:64, cases[5].assertions[0].max: max 2 is below min 5',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(issuesOf('cases:\n  - id: a\n   input: [unclosed\n', 'bad.yaml')[0]).toMatch(/^bad\.yaml, line \d+:\d+: not valid YAML/);
  });

  it('refuses an empty set and unknown top-level keys', () => {
    expect(issuesOf('name: x\ncases: []\n', 'e.yaml')).toEqual(['e.yaml, line 2:8, cases: a golden set needs at least one case']);
    expect(issuesOf('name: x\ncase: []\n', 'k.yaml')).toContain('k.yaml, line 2:7, case: unknown key "case"');
  });
});

describe('parseGoldenText: JSONL', () => {
  it('reads one case per line, skipping blank lines', () => {
    const text =
      '{"id":"a","input":"hi","reference":"x","assertions":[{"type":"exact"}]}\n\n{"id":"b","input":"yo","assertions":[{"type":"json_valid"}]}\n';
    const r = parseGoldenText(text, 'set.jsonl');
    expect(r.ok && r.value.cases.map((c) => c.id)).toEqual(['a', 'b']);
    expect(r.ok && r.value.name).toBeUndefined();
  });

  it('is recognised by content when the file name does not say', () => {
    const text =
      '{"id":"a","input":"hi","assertions":[{"type":"json_valid"}]}\n{"id":"b","input":"yo","assertions":[{"type":"json_valid"}]}\n';
    const r = parseGoldenText(text, 'golden.txt');
    expect(r.ok && r.value.cases).toHaveLength(2);
  });

  it('names the line of each bad case and goes on to the next', () => {
    const text = [
      '{"id":"ok","input":"hi","reference":"x","assertions":[{"type":"exact"}]}',
      '{"id":"trunc","input":"hi","assert',
      '{"id":"none","input":"hi","assertions":[]}',
      '{"id":"typo","input":"hi","assertions":[{"type":"regex","pattern":"(a"}]}',
      '{"id":"ok","input":"hi","assertions":[{"type":"json_valid"}]}',
    ].join('\n');
    const issues = issuesOf(text, 'b.jsonl');
    expect(issues[0]).toMatch(/^b\.jsonl, line 2: not valid JSON/);
    expect(issues[1]).toBe('b.jsonl, line 3, assertions: Too small: expected array to have >=1 items');
    expect(issues[2]).toMatch(/^b\.jsonl, line 4, assertions\[0\]\.pattern: pattern does not compile/);
    expect(issues[3]).toBe('b.jsonl, line 5, id: duplicate case id "ok" (first on line 1)');
  });
});
