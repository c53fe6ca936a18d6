import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { CatalogEntry } from '../../src/domain/catalog-entry.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway/gateway.js';
import { parsePolicyTextOrThrow } from '../../src/policy/index.js';
import type { Store } from '../../src/store/db.js';
import { upsertModels } from '../../src/store/repos/catalog-repo.js';
import { createGatewayKey } from '../../src/store/repos/gateway-key-repo.js';
import { addPolicyVersion } from '../../src/store/repos/policy-repo.js';

export const FLASH = 'virtual-model/google/gemini-2.0-flash';
export const LITE = 'virtual-model/google/gemini-2.0-flash-lite';
const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/** The seed policies (test/fixtures/policies, copied from ../shared/seeds with their source noted). */
export function seedPolicy(name: string) {
  const file = fixture(`policies/${name}.yaml`);
  return parsePolicyTextOrThrow(readFileSync(file, 'utf8'), { file }).spec;
}

/** The two Gemini models, simulated by a loopback fleet (healthy, or with flash failing 503). */
export function geminiCatalog(
  fleet: 'fleet.yaml' | 'fleet-flash-503.yaml' | 'fleet-slow.yaml' = 'fleet.yaml',
  keyEnv: string | null = null,
): CatalogEntry[] {
  const simulated = { fleet: fixture(`gateway/${fleet}`), answers: fixture('gateway/answers.jsonl') };
  return [FLASH, LITE].map((name, i) => ({
    name,
    base_url: null,
    api_key_env: keyEnv,
    price: i === 0 ? { input_per_m: 100, output_per_m: 400 } : { input_per_m: 50, output_per_m: 200 },
    context_window: 1_000_000,
    concurrency: 64,
    rate_limit_rpm: null,
    simulated,
  }));
}

export interface Served {
  gateway: Gateway;
  key: string;
  client: OpenAI;
}

/** Seed policies and catalog, create a key, start an in-process gateway on an ephemeral loopback port. */
export async function serveFixture(
  store: Store,
  opts: Partial<GatewayOptions> & {
    policies?: string[];
    fleet?: 'fleet.yaml' | 'fleet-flash-503.yaml' | 'fleet-slow.yaml';
    keyEnv?: string;
  } = {},
): Promise<Served> {
  for (const name of opts.policies ?? ['anygem', 'firstgem'])
    await addPolicyVersion(store.db, seedPolicy(name), { sourceFormat: 'watsonx', origin: 'import' });
  await upsertModels(store.db, geminiCatalog(opts.fleet, opts.keyEnv ?? null));
  const { key } = await createGatewayKey(store.db, { name: 'test', policies: [], projects: [] });
  const gateway = await startGateway({ store, env: {}, port: 0, seed: 'gateway-test', ...opts });
  return { gateway, key, client: openaiClient(gateway, key) };
}

export function openaiClient(gateway: Gateway, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
}

/** Run `total` calls with `concurrency` workers; returns the results in completion order. */
export async function load<T>(total: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        out.push(await call(i));
      }
    }),
  );
  return out;
}
