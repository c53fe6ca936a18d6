import { readFile } from 'node:fs/promises';
import { InputError } from '../domain/errors.js';
import { parsePolicyTextOrThrow } from '../policy/index.js';
import { loadCatalogFile } from '../providers/catalog-file.js';
import { parseGoldenText } from '../scoring/index.js';
import type { Store } from '../store/db.js';
import { upsertModels } from '../store/repos/catalog-repo.js';
import { importGoldenSet } from '../store/repos/golden-repo.js';
import { addPolicyVersion, getActiveVersion } from '../store/repos/policy-repo.js';
import { createSample } from '../app/create-sample.js';
import { listSamples } from '../store/repos/sample-repo.js';
import { importTraffic, type ImportProgress } from '../traffic/import.js';
import type { ImportSummary } from '../traffic/import-summary.js';
import { DEMO_FILES, DEMO_NAMES } from './demo-files.js';

export async function importDemoCatalog(store: Store): Promise<{ models: number; added: number; updated: number }> {
  const entries = await loadCatalogFile(DEMO_FILES.catalog);
  const counts = await upsertModels(store.db, entries);
  return { models: entries.length, ...counts };
}

export interface PolicyLoad {
  name: string;
  version: number;
  /** False when the policy was already registered: its active version is used as it is. */
  added: boolean;
}

/**
 * Register the three demo policies, each only if it is not registered yet: a second demo run must
 * not pile up versions, and must not undo a version the user promoted after the first run.
 */
export async function importDemoPolicies(store: Store, actor: string): Promise<PolicyLoad[]> {
  const out: PolicyLoad[] = [];
  for (const file of [DEMO_FILES.policies.current, DEMO_FILES.policies.cheap, DEMO_FILES.policies.byIntent]) {
    const parsed = parsePolicyTextOrThrow(await readFile(file, 'utf8'), { file });
    const active = await getActiveVersion(store.db, parsed.spec.name);
    if (active) {
      out.push({ name: parsed.spec.name, version: active.version, added: false });
      continue;
    }
    const v = await addPolicyVersion(store.db, parsed.spec, { sourceFormat: parsed.format, origin: 'import', createdBy: actor });
    out.push({ name: parsed.spec.name, version: v.version, added: true });
  }
  return out;
}

export async function importDemoGolden(store: Store): Promise<{ cases: number; imported: number; updated: number }> {
  const text = await readFile(DEMO_FILES.golden, 'utf8');
  const parsed = parseGoldenText(text, DEMO_FILES.golden);
  if (!parsed.ok) throw new InputError(`${DEMO_FILES.golden} is not a valid golden set`, parsed.error);
  const counts = await importGoldenSet(store.db, DEMO_NAMES.golden, parsed.value.cases, `file:${DEMO_FILES.golden}`);
  return { cases: parsed.value.cases.length, imported: counts.imported, updated: counts.updated };
}

export function importDemoTraffic(store: Store, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
  return importTraffic(store, [DEMO_FILES.traffic], { format: 'openai-chat', ...(onProgress ? { onProgress } : {}) });
}

export interface SampleLoad {
  name: string;
  size: number;
  strata: Record<string, number>;
  /** False when the sample already existed (same name, same seed: the same draw). */
  created: boolean;
}

/** The nightly sample: seeded, stratified by intent. Reused when it exists, since names are unique. */
export async function ensureDemoSample(store: Store, size: number, seed: string): Promise<SampleLoad> {
  const existing = (await listSamples(store.db)).find((s) => s.name === DEMO_NAMES.sample);
  if (existing)
    return {
      name: existing.name,
      size: existing.size,
      strata: Object.fromEntries(Object.entries(existing.strata).map(([k, v]) => [k, v.sampled])),
      created: false,
    };
  const s = await createSample(store.db, { name: DEMO_NAMES.sample, size, stratifyBy: 'intent', minPerStratum: 40, seed });
  return { name: s.name, size: s.size, strata: Object.fromEntries(s.strata.map((x) => [x.stratum, x.sampled])), created: true };
}
