import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { GoldenCase } from '../../src/domain/golden-case.js';
import { createRun } from '../../src/jobs/create-run.js';
import { planRun } from '../../src/jobs/plan-run.js';
import { createProcessors } from '../../src/jobs/processors.js';
import { createChatClient } from '../../src/providers/index.js';
import { runInProcess } from '../../src/queue/in-process-runner.js';
import { scoreCase } from '../../src/scoring/index.js';
import { importGoldenSet } from '../../src/store/repos/golden-repo.js';
import { createRedactor } from '../../src/redact/redact-text.js';
import { openTestStore } from '../helpers/stores.js';
import { checkRun } from './checker.js';
import { cliScenarioSetup } from './cli-scenario.js';
import { argv, cliContext, removeDir, tempDir } from './harness.js';
import { startModelServer } from './model-server.js';
import { CANARY, CANARY_ENV, seedInputs } from './run-fixture.js';

/**
 * Hostile patterns meet hostile text and finish: a policy `$regex` that backtracks exponentially in
 * a backtracking engine, golden-set and JSON Schema patterns of the same shape, a user redaction
 * pattern, and a policy file that never ends (`/dev/zero`). Each returns its answer or refuses by
 * name; the run that scores the hostile golden set ends with the exactly-once checker.
 *
 * Every input here takes a backtracking engine 2^n steps (n ≈ 36–40: hours); none of these tests
 * would finish without the linear-time engine or the byte cap, so no duration is asserted.
 */

// Cleanups after each test; the CLI's modules are loaded once before all (cli-scenario.ts).
const cleanups = cliScenarioSetup();

const EMAIL_RULE = '^([a-z0-9]+\\.?)+@corp\\.com$';
const HOSTILE_USER = `${'a'.repeat(36)}!`;

it('a $regex rule over attacker-controlled metadata: simulate answers, and routes by the rule', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  const dir = tempDir('bounded');
  cleanups.add(() => removeDir(dir));
  const file = join(dir, 'corp.yaml');
  writeFileSync(
    file,
    [
      'spec_version: v1',
      'kind: model',
      'name: corp',
      'policy:',
      '  strategy: {mode: conditional}',
      '  rules:',
      `    - {name: staff, when: {metadata.user: {$regex: '${EMAIL_RULE}'}}, strategy: {mode: single}, targets: [{model_name: m/staff}]}`,
      '    - {name: rest, when: {}, strategy: {mode: single}, targets: [{model_name: m/public}]}',
      '',
    ].join('\n'),
  );
  const imp = cliContext(store);
  expect({ code: await main(argv('policy', 'import', '-f', file), imp), err: imp.err() }).toEqual({ code: 0, err: '' });

  const sim = async (user: string) => {
    const ctx = cliContext(store);
    const code = await main(argv('policy', 'simulate', '-n', 'corp', '--requests', '20', '--metadata', `user=${user}`, '--json'), ctx);
    return { code, served: (JSON.parse(ctx.out()) as { served: Record<string, number> }).served };
  };
  expect(await sim(HOSTILE_USER)).toEqual({ code: 0, served: { 'm/public': 20 } });
  expect(await sim('alice.smith@corp.com')).toEqual({ code: 0, served: { 'm/staff': 20 } });
});

it('a policy, golden set or catalog that never ends is refused at its byte cap', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  for (const args of [
    ['policy', 'import', '-f', '/dev/zero'],
    ['golden', 'import', '--file', '/dev/zero', '--name', 'zero'],
    ['models', 'import', '--file', '/dev/zero'],
  ]) {
    const ctx = cliContext(store);
    const code = await main(argv(...args), ctx);
    expect({ args, code, err: ctx.err() }).toEqual({
      args,
      code: 2,
      err: expect.stringMatching(/\/dev\/zero: more than \d+ bytes; .* are limited to \d+ bytes/),
    });
  }
});

const hostileCases = (): GoldenCase[] =>
  Array.from({ length: 4 }, (_, i) => ({
    id: `h${i}`,
    input: { messages: [{ role: 'user' as const, content: `case h${i}: what is ${i} + 1?` }] },
    metadata: {},
    reference: String(i + 1),
    assertions: [
      { type: 'regex' as const, pattern: '^(a|aa)+$', weight: 1 },
      { type: 'json_schema' as const, schema: { type: 'string', pattern: '^(\\w+\\s?)*$' }, weight: 1 },
      { type: 'numeric' as const, tolerance: 1e-6, weight: 1 },
    ],
    reviewed: true,
  }));

it('golden regex and JSON Schema patterns that backtrack exponentially score hostile output, and the run is exactly-once', async () => {
  const [gcase] = hostileCases();
  const score = await scoreCase(gcase as GoldenCase, `"${'a'.repeat(5000)}!"`);
  expect(score.assertions.map((a) => [a.type, a.pass])).toEqual([
    ['regex', false],
    ['json_schema', false],
    ['numeric', false],
  ]);
  const redact = createRedactor([{ name: 'mail', pattern: EMAIL_RULE.slice(1, -1) }]);
  expect(redact(`${HOSTILE_USER} then bob@corp.com`).text).toBe(`${'a'.repeat(36)}! then [REDACTED:email]`);

  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  const server = await startModelServer({});
  cleanups.add(() => server.close());
  const { policy } = await seedInputs(store.db, { baseUrl: server.baseUrl, cases: 1 });
  await importGoldenSet(store.db, 'hostile', hostileCases(), 'reliability');
  const { run_id } = await createRun(
    store.db,
    { policy, variants: [], source: { kind: 'golden', name: 'hostile' }, holdout: 0.3 },
    { clock: { now: () => Date.now() } },
  );
  const plan = await planRun(store.db, run_id, { chunkSize: 8 });
  const chat = createChatClient({ env: { [CANARY_ENV]: CANARY } });
  cleanups.add(() => chat.close());
  await runInProcess(createProcessors(store.db, { chat, clock: { now: () => Date.now() } }), run_id, plan.chunks);
  const check = await checkRun(store, run_id);
  expect(check.problems).toEqual([]);
  expect(check.status).toBe('completed');
  expect(check.recordedFailures).toBe(0);
});
