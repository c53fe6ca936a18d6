import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { parsePolicyTextOrThrow, type RequestContext } from '../../../src/policy/index.js';

/** The seed examples, copied into test/fixtures/policies/ (sources named in each file). */
export const SEEDS = ['anygem', 'firstgem', 'retrygem', 'anygem-old'] as const;

export function seedText(name: (typeof SEEDS)[number]): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/policies/${name}.yaml`, import.meta.url)), 'utf8');
}

export function seed(name: (typeof SEEDS)[number]): PolicySpec {
  return parsePolicyTextOrThrow(seedText(name), { file: `${name}.yaml` }).spec;
}

export const FLASH = 'virtual-model/google/gemini-2.0-flash';
export const LITE = 'virtual-model/google/gemini-2.0-flash-lite';

export function request(over: Partial<RequestContext> = {}): RequestContext {
  return { metadata: {}, params: {}, input_tokens: 100, timestamp_ms: Date.UTC(2026, 0, 5, 12), ...over };
}

export function spec(policy: PolicySpec['policy'], name = 'p'): PolicySpec {
  return { spec_version: 'v1', kind: 'model', name, policy };
}
