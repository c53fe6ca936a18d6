import type { Clock } from '../domain/rng.js';
import type { NightlyPayload } from '../queue/payloads.js';
import type { Db } from '../store/db.js';
import { findSource } from '../store/repos/run-source-repo.js';
import { getRun } from '../store/repos/run-repo.js';
import { createSample } from '../app/create-sample.js';
import { recordNightlyStep } from '../app/nightly-steps.js';
import { createRun } from './create-run.js';
import { planRun } from './plan-run.js';

/** A tenth of cached pairs re-asked each night: every pair is seen fresh about every ten nights. */
export const DEFAULT_NIGHTLY_REFRESH_RATE = 0.1;

/**
 * One nightly slot: sample the traffic of the window before the slot, create the run for the slot
 * and plan it. The run row's unique (policy, slot) key makes a second trigger of the same slot a
 * no-op (null); a redelivered job whose run exists but is unplanned finishes planning it.
 */
export async function nightlyRun(
  db: Db,
  payload: NightlyPayload,
  slot: string,
  deps: { clock: Clock },
): Promise<{ run_id: string; chunks: number[] } | null> {
  const slotMs = Date.parse(slot);
  const stamp = slot.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const sampleName = `nightly-${payload.policy}-${stamp}`;
  const existing = await sampleExists(db, sampleName);
  if (!existing) {
    await createSample(db, {
      name: sampleName,
      size: payload.size,
      since: new Date(slotMs - payload.window_ms).toISOString(),
      until: new Date(slotMs).toISOString(),
      seed: payload.seed ?? sampleName,
    }).catch(async (e: unknown) => {
      // Two triggers of one slot race to create the sample: the loser uses the winner's.
      if (!(await sampleExists(db, sampleName))) throw e;
    });
  }
  const created = await createRun(
    db,
    {
      policy: payload.policy,
      variants: payload.variants.map((name) => ({ kind: 'policy' as const, name })),
      source: { kind: 'sample', name: sampleName },
      ...(payload.golden ? { golden: payload.golden } : {}),
      ...(payload.cost_cap_usd ? { cost_cap_usd: payload.cost_cap_usd } : {}),
      holdout: payload.holdout,
      seed: payload.seed ?? sampleName,
      schedule_slot: slot,
      refresh_rate: payload.refresh_rate ?? DEFAULT_NIGHTLY_REFRESH_RATE,
      nightly: payload.nightly ?? {},
    },
    deps,
  );
  if (!created.created) {
    // The slot's run exists. Finished: nothing to do. Otherwise the first trigger may have died
    // between creating and enqueuing it; planning and enqueuing are idempotent, so finish the job.
    const run = await getRun(db, created.run_id);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return null;
  }
  await recordNightlyStep(db, created.run_id, 'sample', 'ok', sampleName, deps.clock);
  const planned = await planRun(db, created.run_id);
  return { run_id: planned.run_id, chunks: planned.chunks };
}

async function sampleExists(db: Db, name: string): Promise<boolean> {
  return (await findSource(db, 'sample', name)) !== undefined;
}
