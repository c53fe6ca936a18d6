import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { render, cleanup } from 'ink-testing-library';
import { createElement } from 'react';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createStoreSource } from '../../src/dashboard/data/store-source.js';
import { Frame } from '../../src/dashboard/frame.js';
import type { DashboardEvent } from '../../src/dashboard/state/events.js';
import { reduce } from '../../src/dashboard/state/reducer.js';
import { initialState, type DashboardState } from '../../src/dashboard/state/state.js';
import type { Store } from '../../src/store/db.js';
import { REDIS_URL } from '../helpers/redis.js';
import { argv, cliContext, removeDir, tempDir } from './harness.js';

/**
 * Every place a person reads a run: the Ink dashboard's frames (runs, run detail, the proposal),
 * the plain dashboard, `runs show` (table and JSON), `proposals show` and the written report
 * (markdown and SVG). Scenarios search these for a planted secret or for hostile characters.
 */
export interface Surface {
  name: string;
  text: string;
}

const enter: DashboardEvent = { type: 'key', key: { input: '', enter: true } };

function frame(state: DashboardState): string {
  const { lastFrame } = render(createElement(Frame, { state, color: false }));
  const text = lastFrame() ?? '';
  cleanup();
  return text;
}

export async function inkFrames(store: Store, size = { columns: 140, rows: 40 }): Promise<Surface[]> {
  const source = createStoreSource(store.db);
  const out: Surface[] = [];
  let state = reduce(initialState(size), { type: 'runs-loaded', data: await source.loadRuns() });
  out.push({ name: 'ink: runs', text: frame(state) });
  const runs = state.runs?.runs ?? [];
  if (runs[0]) {
    state = reduce(state, enter);
    state = reduce(state, { type: 'run-loaded', data: await source.loadRun(runs[0].runId) });
    out.push({ name: 'ink: run detail', text: frame(state) });
    // Every pane of the run detail.
    for (let i = 0; i < 4; i++) {
      state = reduce(state, { type: 'key', key: { input: '', tab: true } });
      out.push({ name: `ink: run detail pane ${i + 2}`, text: frame(state) });
    }
    const proposal = runs[0].proposal;
    if (proposal) {
      state = reduce(state, enter);
      state = reduce(state, { type: 'proposal-loaded', data: await source.loadProposal(proposal.id) });
      out.push({ name: 'ink: proposal', text: frame(state) });
    }
  }
  // Tab on the runs screen opens the promotion history.
  let promotions = reduce(initialState(size), { type: 'runs-loaded', data: await source.loadRuns() });
  promotions = reduce(promotions, { type: 'key', key: { input: '', tab: true } });
  promotions = reduce(promotions, { type: 'promotions-loaded', data: await source.loadPromotions() });
  out.push({ name: 'ink: promotions', text: frame(promotions) });
  return out;
}

/** Run one CLI command in this process over the store; returns what it printed. */
export async function cli(store: Store, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const ctx = cliContext(store, env);
  const code = await main(argv(...args), ctx);
  return { code, out: ctx.out(), err: ctx.err() };
}

export async function runSurfaces(store: Store, runId: string, proposalId?: string): Promise<Surface[]> {
  const out: Surface[] = [...(await inkFrames(store))];
  for (const args of [
    ['dashboard'],
    ['runs', 'show', runId],
    ['runs', 'show', runId, '--json'],
    ['runs', 'list'],
    ...(proposalId ? [['proposals', 'show', proposalId]] : []),
  ]) {
    const r = await cli(store, args);
    out.push({ name: `routelab ${args.join(' ')}`, text: r.out + r.err });
  }
  const dir = tempDir('report');
  try {
    const r = await cli(store, ['report', runId, '-o', dir]);
    out.push({ name: 'routelab report (output)', text: r.out + r.err });
    for (const f of readdirSync(dir)) out.push({ name: `report file ${f}`, text: readFileSync(join(dir, f), 'utf8') });
  } finally {
    removeDir(dir);
  }
  return out;
}

/**
 * Every place a secret could leak to after a queued run: the worker's log, every key and value under
 * the queue's Redis prefix, a pg_dump of the store, and the run's surfaces (`runSurfaces`).
 */
export async function leakPlaces(
  workerLog: readonly string[],
  prefix: string,
  store: Store & { url?: string },
  runId: string,
): Promise<Surface[]> {
  const places: Surface[] = [];
  places.push({ name: 'worker log', text: workerLog.join('\n') });
  places.push({ name: 'redis', text: await redisText(prefix) });
  places.push({ name: 'pg_dump', text: await pgDump(store.url as string) });
  places.push(...(await runSurfaces(store, runId)));
  return places;
}

/** Every key under the prefix and every value in it, whatever its type. */
async function redisText(prefix: string): Promise<string> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        parts.push(k);
        const type = await r.type(k);
        if (type === 'string') parts.push((await r.get(k)) ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await r.hgetall(k)));
        else if (type === 'list') parts.push(JSON.stringify(await r.lrange(k, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await r.smembers(k)));
        else if (type === 'zset') parts.push(JSON.stringify(await r.zrange(k, '0', '-1')));
        else if (type === 'stream') parts.push(JSON.stringify(await r.xrange(k, '-', '+')));
      }
    } while (cursor !== '0');
    expect(parts.length).toBeGreaterThan(0);
    return parts.join('\n');
  } finally {
    r.disconnect();
  }
}

async function pgDump(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', url], { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}
