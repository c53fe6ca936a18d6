import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildDemoDataset } from '../../../datasets/generate.js';
import { GoldenCase, inputKey } from '../../../src/domain/index.js';
import { parsePolicyText } from '../../../src/policy/index.js';
import { parseCatalogText, parseFleetText } from '../../../src/providers/index.js';
import { readOpenAiChat } from '../../../src/traffic/readers/openai-chat.js';
import type { NormalisedRecord } from '../../../src/traffic/readers/reader.js';
import { createRedactor } from '../../../src/redact/redact-text.js';
import { scrubRecord } from '../../../src/traffic/scrub.js';

const DEMO = new URL('../../../datasets/demo/', import.meta.url);
const path = (name: string) => new URL(name, DEMO).pathname;
const read = (name: string) => readFileSync(new URL(name, DEMO), 'utf8');

const cases = (parse(read('golden.yaml')) as { cases: unknown[] }).cases.map((c) => GoldenCase.parse(c));
const goldenKeys = new Set(cases.map((c) => inputKey(c.input.messages)));
const records: NormalisedRecord[] = read('traffic.jsonl')
  .trim()
  .split('\n')
  .flatMap((line) => {
    const out = readOpenAiChat(JSON.parse(line), { fallbackTimestamp: '2026-11-21T00:00:00Z' });
    expect(out.bad).toEqual([]);
    return out.records;
  });
const POLICIES = ['support-assistant', 'support-assistant-cheap', 'support-assistant-by-intent'];

describe('demo dataset files', () => {
  it('is exactly what the generator writes from its seed', () => {
    const { files } = buildDemoDataset();
    for (const [name, text] of Object.entries(files)) expect(read(name), name).toBe(text);
  });

  it('traffic: 2,000+ readable lines over several days, mostly golden inputs, with failures', () => {
    expect(records.length).toBeGreaterThanOrEqual(2000);
    const days = new Set(records.map((r) => r.timestamp.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(5);
    const matched = records.filter((r) => goldenKeys.has(inputKey(r.request.messages))).length;
    expect(matched / records.length).toBeGreaterThan(0.8);
    expect(matched).toBeLessThan(records.length);
    const statuses = new Map<number | null, number>();
    for (const r of records) statuses.set(r.response.status, (statuses.get(r.response.status) ?? 0) + 1);
    for (const code of [200, 429, 503, 408]) expect(statuses.get(code) ?? 0, `status ${code}`).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.metadata.intent)).size).toBeGreaterThanOrEqual(5);
    expect(records.every((r) => r.metadata.project && r.metadata.user && r.metadata.tags.length > 0)).toBe(true);
  });

  it('redaction leaves golden inputs alone (so they still match) and catches the planted secrets', () => {
    const redact = createRedactor();
    let scrubbed = 0;
    for (const r of records) {
      const { record, count } = scrubRecord(r, redact);
      const golden = goldenKeys.has(inputKey(r.request.messages));
      if (golden) expect(inputKey(record.request.messages)).toBe(inputKey(r.request.messages));
      const text = JSON.stringify(record.request.messages);
      expect(text).not.toMatch(/sk-(proj|live)-|@fernleaf\.io|4242 4242 4242 4242|\+1 415 555/);
      if (count > 0 && !golden) scrubbed++;
    }
    expect(scrubbed).toBeGreaterThan(20);
  });

  it('policies, catalog and fleet parse, and every target is a catalog model', () => {
    const catalog = parseCatalogText(read('catalog.yaml'), path('catalog.yaml'));
    const fleet = parseFleetText(read('fleet.yaml'), path('fleet.yaml'));
    if (!catalog.ok || !fleet.ok) throw new Error(JSON.stringify([catalog, fleet]));
    expect(catalog.value.length).toBeGreaterThanOrEqual(5);
    const fleetNames = new Set(fleet.value.models.map((m) => m.name));
    for (const m of catalog.value) {
      expect(fleetNames.has(m.name), m.name).toBe(true);
      expect(m.api_key_env).toBeNull();
    }
    const names = new Set(catalog.value.map((m) => m.name));
    for (const name of POLICIES) {
      const parsed = parsePolicyText(read(`policies/${name}.yaml`), { file: `${name}.yaml` });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
      expect(parsed.value.spec.name).toBe(name);
      const body = parsed.value.spec.policy;
      const targets = [...(body.targets ?? []), ...(body.rules ?? []).flatMap((r) => r.targets)];
      for (const t of targets) expect(names.has(t.model_name), t.model_name).toBe(true);
    }
    for (const c of cases) for (const a of c.assertions) if (a.type === 'judge') expect(names.has(a.model ?? '')).toBe(true);
  });
});
