import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportFiles } from './render-report.js';

/** Where `routelab report R` writes by default; `runs show` links this path. */
export function defaultReportDir(runId: string, root = 'reports'): string {
  return join(root, runId.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** Write the rendered files into `dir` (created if missing); returns the report.md path. */
export function writeReport(dir: string, files: ReportFiles): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return join(dir, 'report.md');
}
