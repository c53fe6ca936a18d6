import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServedExchange } from '../../../src/gateway/served-record.js';
import { createTrafficLog, servedRecordId } from '../../../src/gateway/traffic-log.js';
import { createImport } from '../../../src/store/repos/traffic-import-repo.js';
import { insertTraffic } from '../../../src/store/repos/traffic-repo.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';

const SECRET = 'sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCD';

function exchange(content: string, extra: Record<string, unknown> = {}): ServedExchange {
  return {
    id: servedRecordId(),
    startedAt: Date.UTC(2026, 11, 7, 1, 2, 3),
    body: JSON.stringify({ model: 'policy/p', messages: [{ role: 'user', content }], temperature: 0.2, ...extra }),
    project: 'proj',
    key: 'k1',
    status: 200,
    policy: 'p',
    policyVersion: 3,
    outcome: 'served',
    servedBy: 'm/a',
    output: `answer to ${content}`,
    inputTokens: 5,
    outputTokens: 2,
    costUsd: 0.001,
    attempts: [
      { model: 'm/b', status: 503, reason: 'weighted draw', latency_ms: 4 },
      { model: 'm/a', status: 200, reason: 'fallback', latency_ms: 6 },
    ],
    reasons: ['weighted draw'],
    flagged: false,
    blocked: null,
    propensity: 0.25,
  };
}

/** The traffic log hands exchanges to its worker thread, which redacts, serialises and writes them (or sends rows back). */
describe.each(STORE_KINDS)('gateway traffic log (%s)', (kind) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(kind);
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('writes the record an import would, redacted, with its routing; close writes everything logged', async () => {
    const log = await createTrafficLog({ store, source: 'test' });
    const body = exchange(`my key is ${SECRET}`, { metadata: { intent: 'billing' }, api_key: 'plain-body-credential-42', user: 'u1' });
    expect(log.log(body)).toBe(true);
    for (let i = 0; i < 150; i++) log.log(exchange(`q ${i}`));
    await log.flush();
    expect(log.stats()).toEqual({ written: 151, dropped: 0, buffered: 0 });
    for (let i = 0; i < 30; i++) log.log(exchange(`late ${i}`));
    await log.close();
    expect(log.stats()).toMatchObject({ written: 181, dropped: 0 });
    expect(log.log(exchange('after close'))).toBe(false);

    const [row] = await store.rows<{ ts: string; request: string; metadata: string; response: string; format: string }>(
      sql`select ts::text as ts, request::text as request, metadata::text as metadata, response::text as response, format from traffic where id = ${body.id}`,
    );
    expect(`${row?.request}${row?.metadata}${row?.response}`).not.toMatch(/sk-proj-|plain-body-credential-42/);
    expect(row?.request).toContain('[REDACTED:');
    expect(JSON.parse(row?.request ?? '{}')).toMatchObject({ params: { model: 'policy/p', temperature: 0.2 } });
    expect(JSON.parse(row?.metadata ?? '{}')).toMatchObject({
      intent: 'billing',
      project: 'proj',
      user: 'u1',
      routing: {
        source: 'gateway',
        model: 'policy/p',
        policy: 'p',
        policy_version: 3,
        outcome: 'served',
        served_by: 'm/a',
        attempts: [
          { model: 'm/b', status: 503, reason: 'weighted draw' },
          { model: 'm/a', status: 200, reason: 'fallback' },
        ],
        propensity: 0.25,
      },
    });
    expect(JSON.parse(row?.response ?? '{}')).toMatchObject({
      model: 'm/a',
      status: 200,
      latency_ms: 10,
      input_tokens: 5,
      cost_usd: 0.001,
    });
    expect(row?.format).toBe('openai-chat');
    const [imp] = await store.rows<{ imported: number; redacted: number }>(
      sql`select imported, redacted from traffic_imports where format = 'gateway'`,
    );
    expect(imp?.imported).toBe(181);
    expect(imp?.redacted).toBeGreaterThan(0);
  });

  it('a request whose id is already stored is skipped; the rest of its batch is written and counted', async () => {
    const earlier = await createImport(store.db, ['earlier.jsonl'], 'openai-chat');
    const stored = exchange('already here');
    await insertTraffic(store.db, earlier, [
      {
        id: stored.id,
        timestamp: '2026-12-01T00:00:00.000Z',
        request: { messages: [{ role: 'user', content: 'the stored one' }], params: {} },
        metadata: { tags: [] },
        response: { model: null, output: null, status: null, latency_ms: null, input_tokens: null, output_tokens: null, cost_usd: null },
        replayable: false,
        format: 'openai-chat',
      },
    ]);
    const log = await createTrafficLog({ store, source: 'test', batchSize: 50 });
    // The duplicate sits inside a full batch (Postgres: the COPY fails on it and the batch goes in
    // again through the staging table), and inside the last, partial one.
    for (let i = 0; i < 120; i++) {
      if (i === 20) log.log(stored);
      log.log(exchange(`q ${i}`, { metadata: { intent: 'dup-test' } }));
    }
    log.log({ ...stored });
    await log.close();
    expect(log.stats()).toEqual({ written: 120, dropped: 0, buffered: 0 });
    const [counts] = await store.rows<{ gateway: number; earlier: number }>(sql`
      select count(*) filter (where metadata->>'intent' = 'dup-test')::int as gateway,
             count(*) filter (where import_id = ${earlier})::int as earlier from traffic`);
    expect(counts).toEqual({ gateway: 120, earlier: 1 });
    const [kept] = await store.rows<{ request: string; replayable: boolean }>(
      sql`select request::text as request, replayable from traffic where id = ${stored.id}`,
    );
    expect(kept).toMatchObject({ replayable: false });
    expect(kept?.request).toContain('the stored one');
    const [imp] = await store.rows<{ imported: number }>(sql`select imported from traffic_imports where format = 'gateway'`);
    expect(imp?.imported).toBe(120);
  });

  it('a full buffer drops records with a count and never waits', async () => {
    let droppedSeen = 0;
    const log = await createTrafficLog({ store, source: 'test', maxBuffer: 10, onDropped: (n) => (droppedSeen += n) });
    const accepted = Array.from({ length: 25 }, (_, i) => log.log(exchange(`burst ${i}`)));
    expect(accepted.filter(Boolean).length).toBe(10);
    expect(log.stats()).toMatchObject({ dropped: 15, buffered: 10 });
    expect(droppedSeen).toBe(15);
    await log.close();
    expect(log.stats()).toEqual({ written: 10, dropped: 15, buffered: 0 });
    expect(await store.rows<{ n: number }>(sql`select count(*)::int as n from traffic`)).toEqual([{ n: 10 }]);
  });
});

/** Postgres only: the worker's own connection. */
describe('gateway traffic log (postgres connection)', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore('postgres');
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('goes on writing after its Postgres connection is cut; what was lost is counted', async () => {
    const log = await createTrafficLog({ store, source: 'test', batchSize: 20 });
    for (let i = 0; i < 30; i++) log.log(exchange(`before ${i}`));
    await log.flush();
    expect(log.stats()).toEqual({ written: 30, dropped: 0, buffered: 0 });
    // The worker's connection (the test store's own are idle; cutting them too is harmless).
    await store.rows(sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`);
    for (const phase of ['after', 'later', 'last']) {
      for (let i = 0; i < 30; i++) log.log(exchange(`${phase} ${i}`, { metadata: { intent: phase } }));
      await log.flush();
    }
    await log.close();
    const { written, dropped } = log.stats();
    expect(written + dropped).toBe(120);
    expect(dropped).toBeLessThanOrEqual(40); // the batches sent as the connection went
    const stored = await store.rows<{ intent: string; n: number }>(
      sql`select metadata->>'intent' as intent, count(*)::int as n from traffic group by 1 order by 1`,
    );
    expect(stored.reduce((n, r) => n + r.n, 0)).toBe(written);
    expect(stored.find((r) => r.intent === 'last')?.n).toBe(30);
  });
});
