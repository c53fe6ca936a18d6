import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** Lint a probe from test/fixtures/lint as though it lived at `asPath` (relative to the root). */
async function lintAs(fixture: string, asPath: string): Promise<string[]> {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'lint', fixture), 'utf8');
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, asPath) });
  return (result?.messages ?? []).map((m) => `${m.line}:${m.ruleId}`);
}

describe('folder boundaries (eslint.config.js)', () => {
  it('fail the probe of issue 19 in the pure core: a store import, the clock, timers, randomness, env', async () => {
    const errors = await lintAs('probe-policy.ts', 'src/policy/probe.ts');
    expect(errors).toEqual([
      '3:no-restricted-imports', // ../store/db.js
      '4:no-restricted-imports', // node:fs
      '9:no-restricted-globals', // performance
      '9:no-restricted-properties', // performance.now
      '10:no-restricted-syntax', // new Date()
      '11:no-restricted-globals', // crypto
      '11:no-restricted-properties', // crypto.randomUUID
      '12:no-restricted-properties', // Math.random
      '12:no-restricted-properties', // Date.now
      '13:no-restricted-globals', // setTimeout
      '14:no-restricted-globals', // process
      '14:no-restricted-properties', // process.env
    ]);
  });

  it('hold in every pure folder', async () => {
    for (const folder of ['scoring', 'replay', 'stats', 'tuning']) {
      expect(await lintAs('probe-policy.ts', `src/${folder}/deeper/probe.ts`)).toContain('10:no-restricted-syntax');
    }
  });

  it('allow the same code outside the pure core, but for the import rules', async () => {
    expect(await lintAs('probe-policy.ts', 'src/app/probe.ts')).toEqual([]);
  });

  it('keep adapters apart and everyone out of cli/ and workers/', async () => {
    expect(await lintAs('probe-adapter.ts', 'src/store/probe.ts')).toEqual(['2:no-restricted-imports', '3:no-restricted-imports']);
    expect(await lintAs('probe-adapter.ts', 'src/app/probe.ts')).toEqual(['3:no-restricted-imports']);
    expect(await lintAs('probe-worker-import.ts', 'src/jobs/deep/probe.ts')).toEqual([
      '2:no-restricted-imports',
      '3:no-restricted-imports',
    ]);
  });

  it('do not lint the probes as files of their own', async () => {
    expect(await eslint.isPathIgnored(join(ROOT, 'test', 'fixtures', 'lint', 'probe-policy.ts'))).toBe(true);
  });
});
