import { describe, expect, it } from 'vitest';
import { formatIssue, type Issue } from '../../../src/domain/errors.js';
import { loadLocatedYaml, MAX_YAML_BYTES, MAX_YAML_DEPTH } from '../../../src/domain/located-yaml.js';
import type { Result } from '../../../src/domain/result.js';
import { parsePolicyText } from '../../../src/policy/index.js';
import { parseCatalogText } from '../../../src/providers/catalog-parse.js';
import { parseFleetText } from '../../../src/providers/fleet-spec.js';
import { parseGoldenText } from '../../../src/scoring/index.js';
import { parseRedactConfig } from '../../../src/redact/redact-config.js';

const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
].join('\n');
const HOSTILE: Array<[what: string, text: string, message: RegExp]> = [
  ['an alias bomb', ALIAS_BOMB, /anchors|aliases/],
  ['a !!js/function tag', 'a: !!js/function "function () {}"\n', /custom tag/],
  ['a !!python/object tag', 'a: !!python/object:os.system ["echo owned"]\n', /custom tag/],
  ['deep flow nesting', `a: ${'['.repeat(MAX_YAML_DEPTH + 5)}${']'.repeat(MAX_YAML_DEPTH + 5)}\n`, /nesting/],
  ['deep block nesting', `${Array.from({ length: MAX_YAML_DEPTH + 5 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, /nest/],
  ['a duplicate key', 'a: 1\na: 2\n', /duplicate key/],
];

/** Every YAML input of routelab, as its own parser reads it. */
const INPUTS: Array<[kind: string, parse: (text: string) => Result<unknown, Issue[]>]> = [
  ['policy', (t) => parsePolicyText(t, { file: 'x.yaml' })],
  ['golden set', (t) => parseGoldenText(t, 'x.yaml')],
  ['catalog', (t) => parseCatalogText(t, 'x.yaml')],
  ['fleet', (t) => parseFleetText(t, 'x.yaml')],
  [
    'redaction config',
    (t) => {
      try {
        return { ok: true, value: parseRedactConfig(t, 'x.yaml') };
      } catch (e) {
        return { ok: false, error: [{ file: 'x.yaml', message: e instanceof Error ? e.message : String(e) }] };
      }
    },
  ],
];

describe('the one located-YAML loader', () => {
  it('locates values: line and column of a path, or of its nearest parent', () => {
    const r = loadLocatedYaml('a:\n  b: [1, 2]\n', { file: 'f.yaml' });
    expect(r.ok && r.value.value).toEqual({ a: { b: [1, 2] } });
    expect(r.ok && r.value.locate(['a', 'b', 1])).toEqual({ line: 2, column: 10 });
    expect(r.ok && r.value.locate(['a', 'missing'])).toEqual({ line: 2, column: 3 });
  });

  it('refuses a file over the size cap before parsing it, naming the file', () => {
    const r = loadLocatedYaml(`a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`, { file: 'big.yaml', kind: 'golden sets' });
    expect(!r.ok && formatIssue(r.error[0] as Issue)).toMatch(/^big\.yaml: file is \d+ bytes; golden sets are limited to 16777216 bytes/);
  });

  for (const [kind, parse] of INPUTS) {
    it(`holds every ${kind} to the same limits`, () => {
      for (const [what, text, message] of HOSTILE) {
        const r = parse(text);
        expect({ what, ok: r.ok }).toEqual({ what, ok: false });
        if (!r.ok) expect(r.error.map((i) => formatIssue(i)).join('\n'), what).toMatch(message);
      }
    });
  }
});
