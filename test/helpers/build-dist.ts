import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli-bin.js';

/**
 * vitest globalSetup for the projects whose tests start the binary or the worker entry: builds
 * dist/ once before the run if any source it is built from is newer than the last build (a build
 * takes well under a second), so those tests never run stale JavaScript.
 */
const INPUTS = ['src', 'workers', 'migrations', 'datasets/demo', 'scripts/build.mjs'];
const STAMP = join(ROOT, 'dist', '.build-stamp');

function newestMtime(path: string): number {
  const full = join(ROOT, path);
  if (!existsSync(full)) return 0;
  const st = statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(full, { recursive: true, withFileTypes: true })) {
    if (e.isFile() || e.isDirectory()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

export function distIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((p) => newestMtime(p) > built);
}

export default function setup(): void {
  if (!distIsStale()) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`could not build dist/ for the tests that run the binary (node scripts/build.mjs):\n${r.stderr}${r.stdout}`);
  }
}
