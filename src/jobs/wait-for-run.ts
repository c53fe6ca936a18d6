import { isConnectionLoss } from '../store/connection-loss.js';
import type { Db } from '../store/db.js';
import { reapStalledRuns } from '../store/repos/run-repo.js';
import { runProgress, type RunProgress } from '../store/repos/run-chunk-repo.js';

const FINISHED = new Set(['completed', 'failed', 'capped']);
/** How long a waiting process rides out a lost database connection before failing. */
const CONNECTION_GRACE_MS = 60_000;
/** Default stall limit: no outcome stored and no chunk finished for this long fails the run. */
export const DEFAULT_STALL_MS = 15 * 60_000;
/**
 * Wait until a run (processed anywhere: this process or workers elsewhere) has finished, by polling
 * its row — the only place every runner reports to. `onProgress` sees each change.
 */
export async function waitForRun(
  db: Db,
  runId: string,
  options: {
    pollMs?: number;
    timeoutMs?: number;
    onProgress?: (p: RunProgress) => void;
    /** Fail the run after this long without progress (default DEFAULT_STALL_MS). */ stallMs?: number;
  } = {},
): Promise<RunProgress> {
  const poll = options.pollMs ?? 250;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  let last = '';
  let lostSince: number | undefined;
  // The run goes on in the workers while this process's connection is cut (a terminated backend, a
  // Postgres restart): keep polling through a lost connection for a while, then give up loudly.
  const rideOut = async (e: unknown) => {
    if (!isConnectionLoss(e)) throw e;
    lostSince ??= Date.now();
    if (Date.now() - lostSince > CONNECTION_GRACE_MS) throw e;
    await new Promise((r) => setTimeout(r, poll));
  };
  for (;;) {
    let p: RunProgress | undefined;
    try {
      p = await runProgress(db, runId);
    } catch (e) {
      await rideOut(e);
      continue;
    }
    lostSince = undefined;
    if (!p) throw new Error(`run ${runId} does not exist`);
    const key = `${p.status}/${p.chunksFinished}/${p.pairsStored}`;
    if (key !== last) options.onProgress?.(p);
    last = key;
    if (FINISHED.has(p.status)) return p;
    // Workers that stopped (killed, hung on one case, none started) would leave it running for ever.
    let reaped: string[];
    try {
      reaped = await reapStalledRuns(db, options.stallMs ?? DEFAULT_STALL_MS, runId);
    } catch (e) {
      await rideOut(e);
      continue;
    }
    if (reaped.length > 0) continue;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish within ${options.timeoutMs} ms (status ${p.status})`);
    await new Promise((r) => setTimeout(r, poll));
  }
}
