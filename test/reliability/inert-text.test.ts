import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, expect, it } from 'vitest';
import { openTestStore } from '../helpers/stores.js';
import { cleanupList, removeDir, tempDir } from './harness.js';
import { cli, runSurfaces } from './surfaces.js';

/**
 * Escape sequences, bidi overrides and zero-width characters planted in model outputs, traffic
 * metadata (segment values), policy descriptions, reviewer names and comments: after a real run,
 * proposal, approval and report, no surface a person reads carries one of them — not the Ink frames,
 * not the plain dashboard, not `runs show`, not `proposals show`, not report.md or the SVG chart.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const HOSTILE = [
  '\x1b[2J\x1b[H', // clear the screen, cursor home
  '\x1b]52;c;ZXZpbA==\x07', // OSC 52: write the clipboard
  '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\', // OSC 8 hyperlink
  '\x1bP+q544e\x1b\\', // DCS
  '\x9b31m', // 8-bit CSI
  '\x9d0;title\x9c', // 8-bit OSC
  '\u202eevil\u202c', // right-to-left override
  '\u2066iso\u2069', // isolate
  'zero\u200bwidth\u200d\ufeff', // zero-width
  '\x07\x08\x7f', // BEL, BS, DEL
  'over\rwrite', // carriage return
].join('');

/** What must never reach a terminal or a report. */
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

it('hostile text from outputs, traffic and reviewers is inert on every dashboard frame, CLI table and report', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  const dir = tempDir('inert');
  cleanups.add(() => removeDir(dir));

  const models = ['rel/model-a', 'rel/model-b'];
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const intent = i % 2 ? `billing${HOSTILE}` : `tech${HOSTILE}`;
    for (const [j, model] of models.entries()) {
      const pass = (i + j) % 3 !== 0;
      lines.push(
        JSON.stringify({
          case_id: `case-${i}${HOSTILE}`,
          model,
          output: `answer ${HOSTILE}`,
          score: pass ? 1 : 0,
          cost_usd: j ? 0.001 : 0.004,
          latency_ms: 300 + 100 * j,
          status: 200,
          metadata: { intent },
        }),
      );
    }
  }
  const outcomes = join(dir, 'outcomes.jsonl');
  writeFileSync(outcomes, `${lines.join('\n')}\n`);
  expect((await cli(store, ['outcomes', 'import', '--file', outcomes, '--format', 'jsonl', '--name', 'hostile'])).code).toBe(0);

  const policy = join(dir, 'policy.yaml');
  writeFileSync(
    policy,
    stringify({
      spec_version: 'v1',
      kind: 'model',
      name: 'inert-policy',
      description: `desc ${HOSTILE}`,
      display_name: `Display ${HOSTILE}`,
      policy: {
        strategy: { mode: 'loadbalance', on_status_codes: [429, 500] },
        targets: models.map((model_name) => ({ model_name, weight: 0.5 })),
      },
    }),
  );
  expect((await cli(store, ['policy', 'import', '--file', policy])).code).toBe(0);

  const run = await cli(store, ['run', '--policy', 'inert-policy', '--outcomes', 'hostile', '--seed', '2', '--json']);
  expect(run.code).toBe(0);
  const runId = (JSON.parse(run.out) as { run_id: string }).run_id;
  const proposed = await cli(store, ['propose', '--run', runId, '--segment-by', 'intent', '--max-cost-ratio', '0.9', '--json']);
  expect(proposed.code).toBe(0);
  const proposalId =
    (JSON.parse(proposed.out) as { id?: string; proposal_id?: string }).id ??
    (JSON.parse(proposed.out) as { proposal_id: string }).proposal_id;
  expect(proposalId).toBeTruthy();
  const approved = await cli(store, ['approve', proposalId, '--as', `mallory${HOSTILE}`, '--comment', `lgtm ${HOSTILE}`]);
  expect(approved.code, approved.err).toBe(0);
  expect(approved.out).not.toMatch(FORBIDDEN);
  const promoted = await cli(store, ['promote', proposalId, '--as', `mallory${HOSTILE}`, '--comment', `ship ${HOSTILE}`], {
    ROUTELAB_PROMOTE_DIR: join(dir, 'sink'),
  });
  expect(promoted.code).toBe(0);
  expect(promoted.out + promoted.err).not.toMatch(FORBIDDEN);

  const surfaces = await runSurfaces(store, runId, proposalId);
  // The hostile strings really are on these surfaces (made inert, their visible text kept).
  const all = surfaces.map((s) => s.text).join('\n');
  expect(all).toMatch(/billing/);
  expect(all).toMatch(/evil/);
  const dirty = surfaces.filter((s) => FORBIDDEN.test(s.text)).map((s) => `${s.name}: ${JSON.stringify(s.text.match(FORBIDDEN)?.[0])}`);
  expect(dirty).toEqual([]);
});
