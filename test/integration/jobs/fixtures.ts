import { readFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import type { RecordedOutcomeLine } from '../../../src/domain/outcome.js';
import { parsePolicyTextOrThrow } from '../../../src/policy/index.js';
import { loadCatalogFile, readOutcomesJsonl } from '../../../src/providers/index.js';
import { parseGoldenText } from '../../../src/scoring/index.js';
import type { Db } from '../../../src/store/db.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { importGoldenSet } from '../../../src/store/repos/golden-repo.js';
import { addPolicyVersion } from '../../../src/store/repos/policy-repo.js';
import { importRecordedOutcomes } from '../../../src/store/repos/recorded-outcomes-repo.js';

/** The demo dataset (authored for this project, datasets/demo): simulated fleet over loopback HTTP. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
export const DEMO = `${root}datasets/demo`;

export function demoPolicy(file = 'support-assistant.yaml'): PolicySpec {
  return parsePolicyTextOrThrow(readFileSync(`${DEMO}/policies/${file}`, 'utf8'), { file }).spec;
}

/** Catalog + the baseline policy + the first `goldenCases` golden cases (as set `demo-golden`). */
export async function seedDemo(
  db: Db,
  options: { goldenCases?: number } = {},
): Promise<{ policy: string; golden: string; caseCount: number }> {
  await upsertModels(db, await loadCatalogFile(`${DEMO}/catalog.yaml`));
  const spec = demoPolicy();
  await addPolicyVersion(db, spec, { sourceFormat: 'watsonx', origin: 'import' });
  const file = `${DEMO}/golden.yaml`;
  const doc = parseGoldenText(readFileSync(file, 'utf8'), file);
  if (!doc.ok) throw new Error('demo golden set does not parse');
  const cases = doc.value.cases.slice(0, options.goldenCases ?? 24);
  await importGoldenSet(db, 'demo-golden', cases, file);
  return { policy: spec.name, golden: 'demo-golden', caseCount: cases.length };
}

/** n policy files (YAML text) over the baseline's models with different weights: variants as a user writes them. */
export function weightVariants(n: number): Array<{ kind: 'file'; file: string; text: string }> {
  const base = demoPolicy();
  return Array.from({ length: n }, (_, i) => {
    const spec: PolicySpec = structuredClone(base);
    spec.name = `${base.name}-w${i + 1}`;
    spec.policy.targets = (spec.policy.targets ?? []).map((t, j) => ({
      ...t,
      weight: Math.round(((((i + 1) * (j + 2)) % 9) + 1) * 10) / 100,
    }));
    return { kind: 'file' as const, file: `${spec.name}.yaml`, text: stringify(spec) };
  });
}

/** The GSM8K excerpt (RouteLLM, Apache-2.0; test/fixtures/providers) as recorded set `gsm8k`, and a two-model policy over it. */
export async function seedRecorded(db: Db): Promise<{ policy: string; outcomes: string; models: string[] }> {
  const file = `${root}test/fixtures/providers/gsm8k-excerpt.outcomes.jsonl`;
  const rows: RecordedOutcomeLine[] = [];
  for await (const item of readOutcomesJsonl(createReadStream(file), file)) if (item.ok) rows.push(item.row);
  await importRecordedOutcomes(db, 'gsm8k', rows, { format: 'jsonl', file });
  const models = [...new Set(rows.map((r) => r.model))].sort();
  const spec = parsePolicyTextOrThrow(
    stringify({
      spec_version: 'v1',
      kind: 'model',
      name: 'gsm8k-router',
      policy: { strategy: { mode: 'fallback', on_status_codes: [503] }, targets: models.map((m) => ({ model_name: m })) },
    }),
    { file: 'gsm8k-router.yaml' },
  ).spec;
  await addPolicyVersion(db, spec, { sourceFormat: 'watsonx', origin: 'import' });
  return { policy: spec.name, outcomes: 'gsm8k', models };
}
