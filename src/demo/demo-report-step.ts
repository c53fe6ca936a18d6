import { writeRunReport } from '../app/write-run-report.js';
import { defaultReportDir } from '../report/index.js';
import type { Store } from '../store/db.js';

/** Write the run report as `routelab report R` does; returns the report.md path. */
export function writeDemoReport(store: Store, runId: string, root: string): Promise<string> {
  return writeRunReport(store.db, runId, { dir: defaultReportDir(runId, root), segmentBy: 'intent' });
}
