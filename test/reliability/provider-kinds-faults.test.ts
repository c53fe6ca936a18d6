import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import type { ProviderKind } from '../../src/domain/catalog-entry.js';
import { upsertModels } from '../../src/store/repos/catalog-repo.js';
import type { Fault } from '../helpers/fault-server.js';
import { CANARIES, FAKES, KINDS, startProviderFakes } from '../helpers/provider-fakes.js';
import { openTestStore } from '../helpers/stores.js';
import { cleanupList, until } from './harness.js';
import { runOnQueue } from './queue-fixture.js';
import { seedRun } from './run-fixture.js';
import { leakPlaces } from './surfaces.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * provider-faults.test.ts over every provider kind: a whole run through BullMQ against loopback fakes
 * of each wire format, one model per (kind, fault). Each fault becomes a stored outcome with the same
 * status whatever the kind; each (case, model) is requested once; every socket closes; and no
 * credential (API key, IAM token, AWS secret or session token) is in Redis, a pg_dump, the worker's
 * log, a dashboard frame, CLI output or a report file.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

// Five per kind: a policy holds at most 32 targets. The other faults of the matrix are run per kind in
// test/integration/providers/provider-fault-matrix.test.ts.
const FAULTS: Record<string, { fault: (k: ProviderKind) => Fault; status: number }> = {
  'retry-after': {
    fault: (k) => ({ kind: 'json', status: 429, body: FAKES[k].error(429, 'slow down'), headers: { 'retry-after': '7' } }),
    status: 429,
  },
  'cut-mid-body': { fault: () => ({ kind: 'cut', partial: '{"id":"x","output":{"mess' }), status: 502 },
  'error-in-200': { fault: (k) => ({ kind: 'json', status: 200, body: FAKES[k].errorIn200() }), status: 429 },
  'leaky-401': { fault: () => ({ kind: 'echo-headers', status: 401 }), status: 401 },
  ok: { fault: (k) => ({ kind: 'json', status: 200, body: FAKES[k].ok('The answer is 42.') }), status: 200 },
};
const CASES = 2;
const nameOf = (kind: ProviderKind, fault: string) => `${kind}.${fault}`;

it('every provider kind turns every fault into one classified outcome per pair, no retries, no open socket, no credential anywhere', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const server = await startProviderFakes((kind, _req, tag) => (FAULTS[tag ?? 'ok'] ?? (FAULTS.ok as (typeof FAULTS)[string])).fault(kind));
  cleanups.add(() => server.close());
  const names = KINDS.flatMap((k) => Object.keys(FAULTS).map((f) => nameOf(k, f)));
  const seeded = await seedRun(store.db, {
    baseUrl: server.origin,
    cases: CASES,
    models: names,
    variants: 1,
    chunkSize: 2,
    mode: 'fallback',
  });
  // Each model of its kind, on its own path of the fakes (the path carries its fault).
  await upsertModels(
    store.db,
    KINDS.flatMap((k) => Object.keys(FAULTS).map((f) => FAKES[k].entry(`${server.origin}/t-${f}`, nameOf(k, f)))),
  );

  const env = Object.assign({}, ...KINDS.map((k) => FAKES[k].env)) as Record<string, string>;
  const { queue, worker } = await runOnQueue(store, seeded, cleanups, CASES * names.length, env);

  // One request per (case, model), IAM token requests aside: no hidden retry on any kind.
  const perModel = new Map<string, number>();
  for (const k of KINDS)
    for (const r of server.calls(k))
      perModel.set(nameOf(k, server.tagOf(r) ?? '?'), (perModel.get(nameOf(k, server.tagOf(r) ?? '?')) ?? 0) + 1);
  expect(Object.fromEntries(perModel)).toEqual(Object.fromEntries(names.map((n) => [n, CASES])));

  // The same status for a fault whatever the kind, as stored.
  const rows = await store.rows<{ model: string; statuses: number[] }>(
    sql`select model, array_agg(distinct status) as statuses from run_outcomes where run_id = ${seeded.runId} group by model`,
  );
  expect(Object.fromEntries(rows.map((r) => [r.model, r.statuses.map(Number)]))).toEqual(
    Object.fromEntries(names.map((n) => [n, [FAULTS[n.slice(n.indexOf('.') + 1)]?.status]])),
  );

  await worker.close();
  await until(() => server.openConnections() === 0, HANG_MS, 'the fakes to see every connection closed');

  const places = await leakPlaces(worker.log, queue.prefix, store, seeded.runId);
  expect(places.find((p) => p.name === 'pg_dump')?.text).toContain('run_outcomes');
  expect(places.some((p) => p.name === 'report file report.md')).toBe(true);
  for (const secret of [...CANARIES, FAKES.bedrock.env.AWS_SESSION_TOKEN as string]) {
    expect(places.filter((p) => p.text.includes(secret)).map((p) => p.name)).toEqual([]);
    expect(places.filter((p) => p.text.includes(secret.slice(3, 20))).map((p) => p.name)).toEqual([]);
  }
});
