import type { Db } from '../store/db.js';
import { runProgress, type RunProgress } from '../store/repos/run-repo.js';

const FINISHED = new Set(['completed', 'failed', 'capped']);

/**
 * Wait until a run (processed anywhere: this process or workers elsewhere) has finished, by polling
 * its row — the only place every runner reports to. `onProgress` sees each change.
 */
export async function waitForRun(db: Db, runId: string, options: { pollMs?: number; timeoutMs?: number; onProgress?: (p: RunProgress) => void } = {}): Promise<RunProgress> {
  const poll = options.pollMs ?? 250;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  let last = '';
  for (;;) {
    const p = await runProgress(db, runId);
    if (!p) throw new Error(`run ${runId} does not exist`);
    const key = `${p.status}/${p.chunksFinished}/${p.pairsStored}`;
    if (key !== last) options.onProgress?.(p);
    last = key;
    if (FINISHED.has(p.status)) return p;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish within ${options.timeoutMs} ms (status ${p.status})`);
    await new Promise((r) => setTimeout(r, poll));
  }
}
