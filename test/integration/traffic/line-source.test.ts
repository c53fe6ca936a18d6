import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readValues, sniffLayout, type SourceItem } from '../../../src/traffic/readers/line-source.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-lines-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function items(path: string): Promise<Array<{ line: number; value?: unknown; reason?: string }>> {
  const out: Array<{ line: number; value?: unknown; reason?: string }> = [];
  for await (const item of readValues(path)) out.push(view(item));
  return out;
}
const view = (i: SourceItem) => ('value' in i ? { line: i.line, value: i.value } : { line: i.line, reason: i.reason });

describe('readValues', () => {
  it('reads JSONL with CRLF, a BOM and blank lines, keeping line numbers', async () => {
    const path = file('crlf.jsonl', '\ufeff{"a":1}\r\n\r\n{"a":2}\r\n');
    expect(await sniffLayout(path)).toBe('jsonl');
    expect(await items(path)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
    ]);
  });

  it('splits a pretty-printed array into elements at the lines they start on', async () => {
    const path = file('array.json', '[\n  {"a": "x,]}"},\n  {"b": [1, 2]},\n  7\n]\n');
    expect(await sniffLayout(path)).toBe('array');
    expect(await items(path)).toEqual([
      { line: 2, value: { a: 'x,]}' } },
      { line: 3, value: { b: [1, 2] } },
      { line: 4, value: 7 },
    ]);
  });

  it('reports an array that is never closed, and a bad element by its line', async () => {
    const path = file('cut.json', '[{"a": 1},\n{"a": tru},\n{"a": 3');
    expect(await items(path)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, reason: expect.stringMatching(/not valid JSON/) },
      { line: 3, reason: expect.stringMatching(/truncated/) },
    ]);
  });

  it('reads a pretty-printed document as one value', async () => {
    const path = file('doc.json', '{\n  "resourceSpans": [\n    {"x": 1}\n  ]\n}\n');
    expect(await sniffLayout(path)).toBe('document');
    expect(await items(path)).toEqual([{ line: 1, value: { resourceSpans: [{ x: 1 }] } }]);
  });

  it('treats a truncated first line followed by good lines as JSONL', async () => {
    const path = file('first-bad.jsonl', '{"a": \n{"a": 2}\n');
    expect(await items(path)).toEqual([
      { line: 1, reason: expect.stringMatching(/truncated/) },
      { line: 2, value: { a: 2 } },
    ]);
  });
});
