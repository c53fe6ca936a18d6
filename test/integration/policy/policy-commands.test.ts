import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';
import { runPolicyCli } from './policy-cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/policies/${name}.yaml`, import.meta.url));
const FLASH = 'virtual-model/google/gemini-2.0-flash';
const LITE = 'virtual-model/google/gemini-2.0-flash-lite';

describe.each(STORE_KINDS)('routelab policy commands on %s', (kind) => {
  let store: TestStore;
  let dir: string;
  const cli = (...args: string[]) => runPolicyCli(args, store);
  beforeAll(async () => {
    store = await openTestStore(kind);
    dir = mkdtempSync(join(tmpdir(), 'routelab-policy-'));
  });
  afterAll(async () => {
    await store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every seed, and export → re-import gives the identical spec (yaml, json, zip)', async () => {
    for (const seed of ['anygem', 'firstgem', 'retrygem']) expect((await cli('policy', 'import', '-f', fixture(seed))).code).toBe(0);
    for (const [seed, out] of [
      ['anygem', 'a.zip'],
      ['firstgem', 'f.json'],
      ['retrygem', 'r.yaml'],
    ] as const) {
      const before = JSON.parse((await cli('policy', 'show', '-n', seed, '--json')).stdout).spec;
      expect((await cli('policy', 'export', '-n', seed, '-o', join(dir, out))).code).toBe(0);
      const again = await cli('policy', 'import', '--file', join(dir, out), '--json');
      expect(JSON.parse(again.stdout)).toMatchObject({ name: seed, version: 2, active: true });
      expect(JSON.parse((await cli('policy', 'show', '-n', seed, '--json')).stdout).spec).toEqual(before);
    }
    const zip = unzipSync(readFileSync(join(dir, 'a.zip')));
    expect(Object.keys(zip)).toEqual(['anygem.yaml']);
    expect(strFromU8(zip['anygem.yaml'] as Uint8Array)).toContain('mode: loadbalance');
  });

  it('lists, shows history, exports an older version and other formats, removes', async () => {
    const list = JSON.parse((await cli('policy', 'list', '--json')).stdout);
    expect(list.map((p: { name: string; active_version: number }) => [p.name, p.active_version])).toEqual([
      ['anygem', 2],
      ['firstgem', 2],
      ['retrygem', 2],
    ]);
    const history = JSON.parse((await cli('policy', 'history', '-n', 'anygem', '--json')).stdout);
    expect(history.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((await cli('policy', 'export', '-n', 'anygem', '--version', '1', '--format', 'portkey', '-o', join(dir, 'pk.json'))).code).toBe(
      0,
    );
    expect(JSON.parse(readFileSync(join(dir, 'pk.json'), 'utf8')).strategy).toEqual({ mode: 'loadbalance', on_status_codes: [503, 504] });
    const refused = await cli('policy', 'export', '-n', 'firstgem', '--format', 'litellm', '-o', join(dir, 'l.yaml'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('policy.retry.on_status_codes');
    expect((await cli('policy', 'remove', '-n', 'retrygem')).code).toBe(0);
    expect((await cli('policy', 'show', '-n', 'retrygem')).code).toBe(2);
  });

  it('simulate: anygem serves 75% ± 1.5% from flash; firstgem with flash failing serves from lite', async () => {
    const any = JSON.parse((await cli('policy', 'simulate', '-n', 'anygem', '--requests', '20000', '--seed', '7', '--json')).stdout);
    expect(Object.keys(any)).toEqual(['requests', 'served', 'attempts', 'failed', 'blocked']);
    expect(Math.abs(any.served[FLASH] / 20000 - 0.75)).toBeLessThanOrEqual(0.015);
    const first = JSON.parse(
      (await cli('policy', 'simulate', '-n', 'firstgem', '--requests', '1000', '--fail', `${FLASH}=503:1`, '--json')).stdout,
    );
    expect(first).toEqual({
      requests: 1000,
      served: { [LITE]: 1000 },
      attempts: { [FLASH]: 2000, [LITE]: 1000 },
      failed: 0,
      blocked: { guardrail: 0, budget: 0 },
    });
  });

  it('add builds a policy from watsonx flags; bad flags and bad files exit 2 naming what is wrong', async () => {
    const added = await cli(
      'policy',
      'add',
      '-n',
      'pair',
      '--model',
      'a',
      '--model',
      'b',
      '-s',
      'fallback',
      '--strategy-on-code',
      '500',
      '--retry-on-code',
      '503',
      '--retry-attempts',
      '2',
      '-d',
      'two models',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse((await cli('policy', 'show', '-n', 'pair', '--json')).stdout).spec.policy).toEqual({
      strategy: { mode: 'fallback', on_status_codes: [500] },
      retry: { attempts: 2, on_status_codes: [503] },
      targets: [{ model_name: 'a' }, { model_name: 'b' }],
    });
    const single = await cli('policy', 'add', '-n', 'x', '--model', 'a', '--model', 'b', '-s', 'single');
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/--model: mode single uses one model/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'spec_version: v1\nkind: model\nname: bad\npolicy:\n  strategy: {mode: loadbalance}\n  targets:\n    - model_name: a\n      weight: 0\n',
    );
    const imported = await cli('policy', 'import', '-f', bad);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain(`${bad}, line 8:15, policy.targets[0].weight`);
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(bomb, `a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n`);
    expect((await cli('policy', 'import', '-f', bomb)).stderr).toMatch(/anchor|alias/i);
    expect((await cli('policy', 'simulate', '-n', 'nope', '--requests', '5')).code).toBe(2);
  });
});
