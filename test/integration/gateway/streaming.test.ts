import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../src/domain/catalog-entry.js';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { startGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { createGatewayKey } from '../../../src/store/repos/gateway-key-repo.js';
import { addPolicyVersion } from '../../../src/store/repos/policy-repo.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

/**
 * `stream: true` is passed through token by token: a loopback OpenAI-compatible upstream sends its
 * first token, then holds the rest of its answer until the official client has seen that token. A
 * gateway that waited for the whole answer before writing would see no first token at the client
 * while the upstream holds, and the upstream would give up holding (`released: 'gave up'`).
 */
describe('serve: streamed answers pass through as they arrive', () => {
  let store: TestStore;
  let gateway: Gateway;
  let upstream: Server;
  let client: OpenAI;
  const bodies: Array<Record<string, unknown>> = [];
  const releases: string[] = [];
  let clientSawFirst: () => void = () => {};

  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'up-1', object: 'chat.completion.chunk', created: 0, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += String(c)));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        bodies.push(body);
        if (req.url?.startsWith('/down/')) {
          res.writeHead(503, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }));
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk({ role: 'assistant', content: 'Hel' }));
        // Hold the rest until the client has the first token (or give up after a while, and say so).
        const seen = new Promise<string>((resolve) => {
          clientSawFirst = () => resolve('client saw the first token');
          setTimeout(() => resolve('gave up'), 10_000).unref();
        });
        void seen.then((why) => {
          releases.push(why);
          res.write(chunk({ content: 'lo' }));
          res.write(chunk({}, 'stop'));
          res.write(
            `data: ${JSON.stringify({ id: 'up-1', object: 'chat.completion.chunk', created: 0, model: 'up-model', choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } })}\n\n`,
          );
          res.end('data: [DONE]\n\n');
        });
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const port = (upstream.address() as { port: number }).port;
    const entry = (name: string, path: string): CatalogEntry => ({
      name,
      base_url: `http://127.0.0.1:${port}/${path}/v1`,
      api_key_env: null,
      price: { input_per_m: 1_000_000, output_per_m: 1_000_000 },
      context_window: null,
      concurrency: 16,
      rate_limit_rpm: null,
      simulated: null,
    });
    store = await openTestStore('pglite');
    await upsertModels(store.db, [entry('loop/streamer', 'up'), entry('loop/down', 'down')]);
    const spec: PolicySpec = {
      spec_version: 'v1',
      kind: 'model',
      name: 'streaming',
      policy: {
        strategy: { mode: 'fallback' },
        retry: { attempts: 1, on_status_codes: [503] },
        targets: [{ model_name: 'loop/down' }, { model_name: 'loop/streamer' }],
      },
    };
    await addPolicyVersion(store.db, spec, { sourceFormat: 'watsonx', origin: 'add' });
    const watched: PolicySpec = {
      spec_version: 'v1',
      kind: 'model',
      name: 'watched',
      policy: {
        strategy: { mode: 'single' },
        targets: [{ model_name: 'loop/streamer' }],
        guardrails: [{ name: 'watch-vip', when: { 'metadata.tier': 'vip' }, action: 'flag' }],
      },
    };
    await addPolicyVersion(store.db, watched, { sourceFormat: 'watsonx', origin: 'add' });
    gateway = await startGateway({ store, env: {}, port: 0, seed: 'streaming' });
    const { key } = await createGatewayKey(store.db, { name: 'stream', policies: [], projects: [] });
    client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise((r) => upstream?.close(r));
    await store?.cleanup();
  });

  it('the client has the first token while the upstream still holds the rest; usage only when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'policy/streaming',
      messages: [{ role: 'user', content: 'say hello' }],
      stream: true,
    });
    const deltas: string[] = [];
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) {
      chunks.push(c);
      const d = c.choices[0]?.delta.content;
      if (d) {
        deltas.push(d);
        clientSawFirst();
      }
    }
    expect(releases).toEqual(['client saw the first token']);
    expect(deltas).toEqual(['Hel', 'lo']);
    // The usage chunk (no choices) was not asked for: it is not passed on.
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    // The down target was tried first (503, before any byte was sent), then the stream was asked for upstream.
    expect(bodies.map((b) => [b.model, b.stream])).toEqual([
      ['loop/down', true],
      ['loop/down', true],
      ['loop/streamer', true],
    ]);
    expect(bodies[2]?.stream_options).toEqual({ include_usage: true });

    // Logged as served by the streaming model, with the joined answer and the upstream's usage.
    await gateway.trafficLog?.flush();
    const [row] = await store.rows<{ r: { output: string; output_tokens: number; model: string } }>(sql`select response as r from traffic`);
    expect(row?.r).toMatchObject({ output: 'Hello', output_tokens: 2, model: 'loop/streamer' });
  });

  it('with stream_options.include_usage the usage chunk reaches the client', async () => {
    releases.length = 0;
    const stream = await client.chat.completions.create({
      model: 'policy/streaming',
      messages: [{ role: 'user', content: 'again' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      const d = c.choices[0]?.delta.content;
      if (d) {
        text += d;
        clientSawFirst();
      }
      usage ??= c.usage;
    }
    expect(releases).toEqual(['client saw the first token']);
    expect(text).toBe('Hello');
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
  });

  it('a streamed answer says how it was routed in its headers, a guardrail flag included', async () => {
    releases.length = 0;
    const { data, response } = await client.chat.completions
      .create({ model: 'policy/watched', messages: [{ role: 'user', content: 'vip' }], stream: true, metadata: { tier: 'vip' } })
      .withResponse();
    let text = '';
    for await (const c of data) {
      const d = c.choices[0]?.delta.content;
      if (d) {
        text += d;
        clientSawFirst();
      }
    }
    expect(releases).toEqual(['client saw the first token']);
    expect(text).toBe('Hello');
    expect(response.headers.get('x-routelab-guardrail')).toBe('flagged');
    expect(response.headers.get('x-routelab-served-by')).toBe('loop/streamer');
    expect(response.headers.get('x-routelab-attempts')).toBe('1');
    expect(response.headers.get('x-routelab-policy-version')).toBe('watched@1');
  });
});
