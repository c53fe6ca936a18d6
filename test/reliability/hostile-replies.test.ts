import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { enqueueRun } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { openTestStore } from '../helpers/stores.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { completion, startFaultServer, type Fault } from '../helpers/fault-server.js';
import { assertExactlyOnce } from './checker.js';
import { cleanupList } from './harness.js';
import { inProcessWorker } from './queue-fixture.js';
import { seedRun } from './run-fixture.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * Issue 17, "outcome recording is total": replies whose data the store cannot hold as sent, or that
 * cannot be walked without recursion, used to fail their chunk three times and then the run (coverage
 * 0%, the stored error a cut SQL statement). Now each becomes a result or a recorded failure for its
 * own (case, model) with a readable reason, the run completes, no chunk fails, and the exactly-once
 * checker holds. One model per hostile reply, through BullMQ, on Postgres.
 */
const cleanups = cleanupList();
afterEach(() => cleanups.run());

const deep = (levels: number) => `{"error":${'['.repeat(levels)}${']'.repeat(levels)}}`;
const REPLIES: Record<string, () => Fault> = {
  // usage.prompt_tokens goes to an int4 column.
  'tokens-1e300': () => ({
    kind: 'json',
    status: 200,
    body: completion('The answer is 42.', { model: 'tokens-1e300', prompt_tokens: 1e300, completion_tokens: 5 }),
  }),
  'tokens-3e9': () => ({
    kind: 'json',
    status: 200,
    body: completion('The answer is 42.', { prompt_tokens: 3_000_000_000, completion_tokens: -4 }),
  }),
  'deep-500': () => ({ kind: 'text', status: 500, body: deep(200_000), contentType: 'application/json' }),
  'deep-200': () => ({
    kind: 'text',
    status: 200,
    body: `{"choices":[{"message":{"role":"assistant","content":"x"}}],"extra":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
    contentType: 'application/json',
  }),
  // A NUL in the answer: Postgres text cannot hold it.
  'nul-output': () => ({ kind: 'json', status: 200, body: completion('The answer\u0000 is 42.') }),
  'lone-surrogate': () => ({ kind: 'json', status: 200, body: completion('The answer \ud800 is 42.') }),
  // The store refuses this answer (a trigger of the test's own below): the row falls back to a failure.
  poison: () => ({ kind: 'json', status: 200, body: completion('poison') }),
  ok: () => ({ kind: 'json', status: 200, body: completion('The answer is 42.') }),
};
const CASES = 4;

it('hostile replies become one result or recorded failure each, with a reason; the run completes', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const server = await startFaultServer((_n, req) => {
    const name = /^\/([^/]+)\/v1\//.exec(req.path)?.[1] ?? '';
    return (REPLIES[name] ?? REPLIES.ok)!();
  });
  cleanups.add(() => server.close());
  const origin = server.baseUrl.replace(/\/v1$/, '');
  const names = Object.keys(REPLIES);
  const seeded = await seedRun(store.db, { baseUrl: origin, cases: CASES, models: names, variants: 1, chunkSize: 2, mode: 'fallback' });
  await store.rows(sql`update models set base_url = ${origin} || '/' || name || '/v1'`);
  await store.rows(
    sql.raw(`
    create function refuse_poison() returns trigger language plpgsql as $$
    begin
      if new.output = 'poison' then raise exception 'output refused by the test''s trigger' using errcode = '22023'; end if;
      return new;
    end $$;
    create trigger refuse_poison before insert on run_outcomes for each row execute function refuse_poison();`),
  );

  const queue: QueueConfig = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  cleanups.add(() => dropPrefix(queue.prefix));
  const worker = inProcessWorker(store.db, queue, { deadlineMs: 5000 });
  cleanups.add(() => worker.close());
  await enqueueRun(queue, seeded.runId, seeded.chunks);
  await waitForRun(store.db, seeded.runId, { pollMs: 50, timeoutMs: HANG_MS });

  const [run] = await store.rows<{ status: string; error: string | null; coverage: number }>(
    sql`select status, error, coverage from runs where id = ${seeded.runId}`,
  );
  expect(run).toMatchObject({ status: 'completed', error: null });
  const failedChunks = await store.rows(sql`select chunk, error from run_chunks where run_id = ${seeded.runId} and status = 'failed'`);
  expect(failedChunks).toEqual([]);
  const check = await assertExactlyOnce(store, seeded.runId);
  expect(check.outcomeRows).toBe(CASES * names.length);

  const rows = await store.rows<{
    model: string;
    status: number;
    output: string | null;
    reason: string | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cost_usd: number | null;
  }>(
    sql`select model, status, output, reason, input_tokens, output_tokens, cost_usd from run_outcomes where run_id = ${seeded.runId} and case_id = (select min(case_id) from run_cases where run_id = ${seeded.runId})`,
  );
  const by = new Map(rows.map((r) => [r.model, r]));
  // Out-of-range counts are not believed: the answer is kept, its count and cost are unknown.
  expect(by.get('tokens-1e300')).toMatchObject({
    status: 200,
    output: 'The answer is 42.',
    input_tokens: null,
    output_tokens: 5,
    cost_usd: null,
  });
  expect(by.get('tokens-3e9')).toMatchObject({ status: 200, input_tokens: null, output_tokens: null });
  expect(by.get('deep-500')).toMatchObject({
    status: 500,
    output: null,
    reason: expect.stringMatching(/^server: HTTP 500: an error body nested more than \d+ levels deep/),
  });
  expect(by.get('deep-200')).toMatchObject({
    status: 502,
    reason: expect.stringMatching(/^bad_response: .*nested more than \d+ levels deep/),
  });
  expect(by.get('nul-output')).toMatchObject({ status: 200, output: 'The answer\ufffd is 42.' });
  expect(by.get('lone-surrogate')).toMatchObject({ status: 200, output: 'The answer \ufffd is 42.' });
  expect(by.get('poison')).toMatchObject({
    status: 502,
    output: null,
    reason: expect.stringMatching(/^the reply could not be stored: output refused by the test's trigger/),
  });
  expect(by.get('ok')).toMatchObject({ status: 200, output: 'The answer is 42.' });
  for (const r of rows) expect(r.reason ?? '').not.toMatch(/insert into|Failed query|\$\d/);
});
