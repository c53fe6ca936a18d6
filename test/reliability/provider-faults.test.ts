import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openTestStore } from '../helpers/stores.js';
import { completion, startFaultServer, type Fault } from '../helpers/fault-server.js';
import { cleanupList, until } from './harness.js';
import { runOnQueue } from './queue-fixture.js';
import { CANARY, seedRun } from './run-fixture.js';
import { leakPlaces } from './surfaces.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * A whole run through BullMQ against a loopback server scripting every provider fault, one model per
 * fault. Each fault becomes a stored outcome with the status the policy's codes understand; each
 * (case, model) is requested exactly once (no hidden retry loop); every socket is closed afterwards;
 * and the planted API key is found nowhere: not in Redis (keys and values), not in a pg_dump of the
 * database, not in the worker's log, not on any dashboard frame, CLI output or report file.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const HTTP_DATE_IN_5S = () => new Date(Date.now() + 5000).toUTCString();
const FAULTS: Record<string, { fault: () => Fault; status: number }> = {
  'retry-after-seconds': {
    fault: () => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'slow down', type: 'rate_limit_error' } },
      headers: { 'retry-after': '7' },
    }),
    status: 429,
  },
  'retry-after-date': {
    fault: () => ({ kind: 'json', status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': HTTP_DATE_IN_5S() } }),
    status: 429,
  },
  'retry-after-huge': {
    fault: () => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'come back next year' } },
      headers: { 'retry-after': '99999999999' },
    }),
    status: 429,
  },
  'retry-after-garbage': {
    fault: () => ({ kind: 'json', status: 429, body: { error: { message: '?' } }, headers: { 'retry-after': 'soon-ish, maybe' } }),
    status: 429,
  },
  'http-500': { fault: () => ({ kind: 'json', status: 500, body: { error: { message: 'boom' } } }), status: 500 },
  'http-503-html': {
    fault: () => ({ kind: 'text', status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' }),
    status: 503,
  },
  hang: { fault: () => ({ kind: 'hang' }), status: 408 },
  'cut-mid-body': { fault: () => ({ kind: 'cut', partial: '{"id":"chatcmpl-1","choices":[{"index":0,"mess' }), status: 502 },
  'html-200': {
    fault: () => ({ kind: 'text', status: 200, body: '<!doctype html><title>Login</title><p>Please sign in</p>' }),
    status: 502,
  },
  'error-in-200': {
    fault: () => ({ kind: 'json', status: 200, body: { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } } }),
    status: 429,
  },
  'http-401': {
    fault: () => ({ kind: 'json', status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } }),
    status: 401,
  },
  'leaky-401': { fault: () => ({ kind: 'echo-headers', status: 401 }), status: 401 },
  ok: { fault: () => ({ kind: 'json', status: 200, body: completion('The answer is 42.', { model: 'ok' }) }), status: 200 },
};
const CASES = 4;

it('every provider fault is one classified outcome per pair, no retries, no open socket, the key nowhere', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const server = await startFaultServer((_n, req) => {
    const name = /^\/([^/]+)\/v1\//.exec(req.path)?.[1] ?? '';
    return (FAULTS[name] ?? FAULTS.ok)!.fault();
  });
  cleanups.add(() => server.close());
  const origin = server.baseUrl.replace(/\/v1$/, '');
  const names = Object.keys(FAULTS);
  const seeded = await seedRun(store.db, { baseUrl: origin, cases: CASES, models: names, variants: 1, chunkSize: 2, mode: 'fallback' });
  // Each model on its own path of the fault server.
  await store.rows(sql`update models set base_url = ${origin} || '/' || name || '/v1'`);

  const { queue, worker } = await runOnQueue(store, seeded, cleanups, CASES * names.length);

  // One request per (case, model): the client never retries behind the policy's back.
  const perModel = new Map<string, number>();
  for (const r of server.requests) {
    const name = /^\/([^/]+)\//.exec(r.path)?.[1] ?? '?';
    perModel.set(name, (perModel.get(name) ?? 0) + 1);
  }
  expect(Object.fromEntries(perModel)).toEqual(Object.fromEntries(names.map((n) => [n, CASES])));

  // Classified statuses, as stored.
  const rows = await store.rows<{ model: string; statuses: number[] }>(
    sql`select model, array_agg(distinct status) as statuses from run_outcomes where run_id = ${seeded.runId} group by model`,
  );
  expect(Object.fromEntries(rows.map((r) => [r.model, r.statuses.map(Number)]))).toEqual(
    Object.fromEntries(names.map((n) => [n, [FAULTS[n]!.status]])),
  );

  // No socket left open once the worker (and its client) closed.
  await worker.close();
  await until(() => server.openConnections() === 0, HANG_MS, 'the fault server to see every connection closed');

  // The key itself went out in the Authorization header only…
  expect(server.requests.every((r) => r.headers.authorization === `Bearer ${CANARY}`)).toBe(true);
  // …and is nowhere else.
  const places = await leakPlaces(worker.log, queue.prefix, store, seeded.runId);
  expect(places.find((p) => p.name === 'pg_dump')?.text).toContain('run_outcomes');
  expect(places.find((p) => p.name === 'ink: run detail')?.text).toContain('leaky-401');
  expect(places.some((p) => p.name === 'report file report.md')).toBe(true);
  expect(places.filter((p) => p.text.includes(CANARY)).map((p) => p.name)).toEqual([]);
  expect(places.filter((p) => p.text.includes(CANARY.slice(3, 20))).map((p) => p.name)).toEqual([]);
});
