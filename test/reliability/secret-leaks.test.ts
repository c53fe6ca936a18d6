import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { dropPrefix, REDIS_URL, redisConnection, testPrefix } from '../helpers/redis.js';
import { openTestStore } from '../helpers/stores.js';
import { anySecret, leaks, type SecretSample } from '../helpers/secret-corpus.js';
import { cleanupList, removeDir, spawnWorker, tempDir } from './harness.js';
import { cli } from './surfaces.js';

/**
 * Issue #13's acceptance check. Secrets and personal data from the generated corpus (49 kinds,
 * obfuscated forms included) are planted at random in every field of every traffic format and in
 * the answers of a loopback model; after import (with and without --json), a sample, a run, `runs
 * show` and a report, none of them appears in a pg_dump of the database, in anything the CLI
 * printed (every command, `--json` and not), in the report files, in a request body the loopback
 * model received, in the log of the worker process, or in Redis: the run goes through BullMQ on real
 * Redis (its own key prefix), processed by a `routelab worker` process, and every command Redis
 * received meanwhile (keys and payloads, Lua script arguments included) is recorded with MONITOR,
 * so a payload that was written and then removed with its completed job is still seen.
 * fast-check drives the placement; the wide version is a larger numRuns (LEAK_RUNS), another seed
 * LEAK_SEED.
 */

/** Every command Redis executes from now on, one line each (MONITOR: keys, values, script arguments). */
async function recordRedis(): Promise<{ lines: string[]; stop(): Promise<void> }> {
  const client = redisConnection();
  const monitor = await client.monitor();
  const lines: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => lines.push(args.join(' ')));
  return {
    lines,
    stop: async () => {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

/** Every key under a prefix with its value, whatever its type. */
async function redisContents(prefix: string): Promise<string> {
  const r = redisConnection();
  try {
    const out: string[] = [];
    const keys = await r.keys(`${prefix}:*`);
    for (const key of keys) {
      const type = await r.type(key);
      const value =
        type === 'string'
          ? await r.get(key)
          : type === 'hash'
            ? await r.hgetall(key)
            : type === 'list'
              ? await r.lrange(key, 0, -1)
              : type === 'set'
                ? await r.smembers(key)
                : type === 'zset'
                  ? await r.zrange(key, '0', '-1')
                  : type === 'stream'
                    ? await r.xrange(key, '-', '+')
                    : type;
      out.push(`${key} ${JSON.stringify(value)}`);
    }
    return out.join('\n');
  } finally {
    r.disconnect();
  }
}

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const FIXTURES = join(import.meta.dirname, '../fixtures/traffic');
/** Files of each format; openai-batch is an input and an output file imported together. */
const FORMATS: ReadonlyArray<readonly string[]> = [
  ['openai-chat.jsonl'],
  ['openai-batch-input.jsonl', 'openai-batch-output.jsonl'],
  ['litellm-spendlogs.jsonl'],
  ['litellm-standard-payload.json'],
  ['langfuse-observations.jsonl'],
  ['otel-genai.json'],
  ['otel-deprecated.jsonl'],
];

/** Fields whose value decides how a record is read: planting there would only turn it into a bad line. */
const STRUCTURAL = /^(role|type|object|kind|key|custom_id|finish_reason|call_type|status|method|url)$|time|Time|date|created/;

/** Plants samples in a parsed document: every string leaf gets one by chance, every object may get a credential-named field. */
function plant(value: unknown, next: () => SecretSample | undefined, used: SecretSample[], key = ''): unknown {
  if (typeof value === 'string') {
    if (STRUCTURAL.test(key)) return value;
    const s = next();
    if (!s || s.wholeOnly) return value;
    used.push(s);
    return `${value} ${s.text}`;
  }
  if (Array.isArray(value)) return value.map((v) => plant(v, next, used, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plant(v, next, used, k);
    const s = next();
    if (s?.wholeOnly) {
      used.push(s);
      out[s.name ?? 'contact_number'] = s.number ?? s.text;
    }
    return out;
  }
  return value;
}

function plantFile(text: string, next: () => SecretSample | undefined, used: SecretSample[]): string {
  const trimmed = text.trim();
  // A whole JSON document (array or pretty-printed object), else JSON lines.
  if (!trimmed.includes('\n') || trimmed.startsWith('[') || !trimmed.split('\n').every((l) => l.trim().startsWith('{'))) {
    try {
      return JSON.stringify(plant(JSON.parse(trimmed), next, used));
    } catch {
      // JSON lines after all
    }
  }
  return trimmed
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.stringify(plant(JSON.parse(l), next, used)))
    .join('\n');
}

/** A loopback model that answers every request with planted secrets and keeps the bodies it got. */
async function leakyModel(answers: SecretSample[]): Promise<{ baseUrl: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      const a = answers[i++ % answers.length] as SecretSample;
      const content = `Sure. ${a.text} and also ${answers[i % answers.length]?.text ?? ''}`;
      const reply = {
        id: 'x',
        object: 'chat.completion',
        model: 'leaky',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 10 },
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

it('no planted secret reaches the database, the terminal, a report or a model endpoint', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(anySecret, { minLength: 400, maxLength: 400 }),
      fc.array(fc.boolean(), { minLength: 400, maxLength: 400 }),
      async (samples, coin) => {
        const store = await openTestStore('postgres');
        const dir = tempDir('leaks');
        const prefix = testPrefix();
        const queueEnv = { REDIS_URL, ROUTELAB_QUEUE_PREFIX: prefix, LEAK_TEST_API_KEY: 'k-0123456789', DATABASE_URL: store.url as string };
        // The worker boots while the traffic is imported.
        const worker = spawnWorker({ ...process.env, ...queueEnv }, 2);
        const redis = await recordRedis();
        const used: SecretSample[] = [];
        let n = 0;
        const next = () => (coin[n % coin.length] ? samples[n++ % samples.length] : (n++, undefined));
        const answers = samples.slice(0, 40).filter((s) => !s.wholeOnly);
        const model = await leakyModel(answers);
        used.push(...answers);
        try {
          const printed: string[] = [];
          const run = async (...args: string[]) => {
            const r = await cli(store, args, queueEnv);
            printed.push(`$ ${args.join(' ')}\n${r.out}${r.err}`);
            return r;
          };
          writeFileSync(
            join(dir, 'catalog.yaml'),
            `models:\n  - name: leaky\n    base_url: ${model.baseUrl}\n    api_key_env: LEAK_TEST_API_KEY\n    price: { input_per_m: 1, output_per_m: 1 }\n`,
          );
          expect((await run('models', 'import', '--file', join(dir, 'catalog.yaml'))).code).toBe(0);
          expect((await run('policy', 'add', '-n', 'leak-check', '--model', 'leaky', '-s', 'single')).code).toBe(0);
          for (const [i, files] of FORMATS.entries()) {
            const args: string[] = [];
            for (const f of files) {
              const path = join(dir, `${i}-${f}`);
              writeFileSync(path, plantFile(readFileSync(join(FIXTURES, f), 'utf8'), next, used));
              args.push('--file', path);
            }
            await run('traffic', 'import', ...args, ...(i % 2 ? ['--json'] : []));
          }
          expect((await run('traffic', 'sample', '--name', 's', '--rate', '1')).code).toBe(0);
          // Plain output here (the summary table); `runs list --json` gives the id, and the JSON forms
          // of the run are printed by `runs show --json` below.
          const runResult = await run('run', '--policy', 'leak-check', '--sample', 's', '--holdout', '0');
          expect({ code: runResult.code, err: runResult.err }).toEqual({ code: 0, err: expect.any(String) });
          const listed = JSON.parse((await run('runs', 'list', '--json')).out) as Array<{ id: string }>;
          const runId = listed[0]?.id as string;
          expect(runResult.out).toContain(runId);
          for (const json of [[], ['--json']]) {
            await run('runs', 'show', runId, ...json);
            await run('runs', 'list', ...json);
            await run('traffic', 'imports', ...json);
            await run('traffic', 'samples', ...json);
          }
          await run('report', runId, '-o', join(dir, 'report'));
          const reports = readdirSync(join(dir, 'report')).map((f) => readFileSync(join(dir, 'report', f), 'utf8'));

          // The model was really called, and answered with secrets.
          expect(model.bodies.length).toBeGreaterThan(0);
          const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', store.url as string], {
            encoding: 'utf8',
            maxBuffer: 256 * 1024 * 1024,
          });
          // Something was stored and redacted (the check below is not vacuous).
          expect(dump).toContain('[REDACTED:');
          if (process.env.LEAK_DEBUG)
            console.log({ used: used.length, bodies: model.bodies.length, printed: printed.join('\n').slice(0, 6000) });
          // The run went through the queue: jobs were written under the prefix and a worker did them.
          expect(redis.lines.some((l) => l.includes(prefix))).toBe(true);
          expect(worker.log()).toContain(runId);
          const surfaces: Array<[string, string]> = [
            ['pg_dump', dump],
            ['CLI output', printed.join('\n')],
            ['report files', reports.join('\n')],
            ['request bodies', model.bodies.join('\n')],
            ['worker log', worker.log()],
            ['Redis commands (keys and payloads)', redis.lines.join('\n')],
            ['Redis keys and values after the run', await redisContents(prefix)],
          ];
          for (const [where, text] of surfaces) expect({ where, leaks: leaks(text, used) }).toEqual({ where, leaks: [] });
        } finally {
          await redis.stop();
          await worker.kill('SIGTERM');
          await dropPrefix(prefix);
          await model.close();
          removeDir(dir);
          await store.cleanup();
        }
      },
    ),
    // No shrinking: one run is a full import, run and report (~3 s), so shrinking a failure ran for
    // minutes and the test died on its timeout with no counterexample (LEAK_SEED=20261206 was a
    // card after `chatcmpl-9 `, not a slow path). The failing input and the leaked kind are printed.
    { numRuns: Number(process.env.LEAK_RUNS ?? 2), seed: Number(process.env.LEAK_SEED ?? 1), endOnFailure: true },
  );
});
