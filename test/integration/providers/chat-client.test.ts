import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../src/domain/catalog-entry.js';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import { completion, startFaultServer, type Fault, type FaultServer } from '../../helpers/fault-server.js';

const CANARY = 'sk-canary-7f3a9c2e5b1d4f6a8c0e2b4d6f8a0c2e';
const messages = [{ role: 'user', content: 'What is 7 * 8?' }];

function entry(baseUrl: string, over: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name: 'test/gpt',
    base_url: baseUrl,
    api_key_env: 'TEST_KEY',
    price: { input_per_m: 2, output_per_m: 8 },
    context_window: null,
    concurrency: 4,
    rate_limit_rpm: null,
    simulated: null,
    ...over,
  };
}

describe('OpenAI-compatible client against a fault server', () => {
  let server: FaultServer | undefined;
  let client: ChatClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  async function call(script: Fault[], opts: { deadline_ms?: number; now?: () => number; fetch?: boolean } = {}) {
    server = await startFaultServer(script);
    client = createChatClient({
      env: { TEST_KEY: CANARY },
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.fetch ? { fetchImpl: fetch } : {}),
    });
    return client.complete(entry(server.baseUrl), {
      messages,
      params: { temperature: 0, model: 'ignored', stream: true },
      deadline_ms: opts.deadline_ms,
      attempt_id: 'case-1#0',
    });
  }

  it('returns the answer, the model that answered, tokens and cost from catalog prices', async () => {
    const r = await call([
      { kind: 'json', status: 200, body: completion('56', { model: 'gpt-4o-2024-08-06', prompt_tokens: 1000, completion_tokens: 500 }) },
    ]);
    expect(r).toMatchObject({
      status: 200,
      output: '56',
      answered_by: 'gpt-4o-2024-08-06',
      input_tokens: 1000,
      output_tokens: 500,
      simulated: false,
    });
    expect(r.cost_usd).toBeCloseTo((1000 * 2 + 500 * 8) / 1e6, 12);
    expect(r.error).toBeUndefined();
    const sent = server?.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${CANARY}`);
    expect(sent?.headers['x-routelab-attempt']).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ temperature: 0, model: 'test/gpt', messages, stream: false });
  });

  it('sends only allow-listed model parameters from stored traffic: no key, header, user or n', async () => {
    server = await startFaultServer([{ kind: 'json', status: 200, body: completion('ok') }]);
    client = createChatClient({ env: { TEST_KEY: CANARY } });
    const params = {
      temperature: 0.3,
      max_tokens: 64,
      seed: 7,
      n: 5,
      api_key: 'sk-stored-0123456789abcdef',
      extra_headers: { Authorization: 'Basic dXNlcjpwYXNz' },
      user: 'u-1',
      stream: true,
    };
    const r = await client.complete(entry(server.baseUrl), { messages, params });
    expect(r.status).toBe(200);
    expect(JSON.parse(server.requests[0]?.body ?? '{}')).toEqual({
      temperature: 0.3,
      max_tokens: 64,
      seed: 7,
      model: 'test/gpt',
      messages,
      stream: false,
    });
  });

  it('does not believe a real endpoint that claims to be simulated', async () => {
    server = await startFaultServer([
      { kind: 'json', status: 200, body: completion('ok'), headers: { 'x-routelab-simulated': 'true', 'x-routelab-latency-ms': '987654' } },
    ]);
    client = createChatClient({ env: { TEST_KEY: CANARY } });
    const r = await client.complete(entry(server.baseUrl), { messages, params: {} });
    expect(r.simulated).toBe(false);
    expect(r.latency_ms).not.toBe(987654);
  });

  it('reports 429 with Retry-After seconds and does not retry on its own', async () => {
    const r = await call([
      { kind: 'json', status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } }, headers: { 'retry-after': '2' } },
    ]);
    expect(r.status).toBe(429);
    expect(r.error).toMatchObject({ kind: 'rate_limited', retry_after_ms: 2000 });
    expect(r.error?.message).toContain('slow down');
    expect(server?.requests).toHaveLength(1);
  });

  it('reads Retry-After as an HTTP date and caps a very long wait', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const r = await call([{ kind: 'json', status: 429, body: {}, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' } }], {
      now: () => now,
    });
    expect(r.error?.retry_after_ms).toBe(5000);
    await client?.close();
    await server?.close();
    const capped = await call([{ kind: 'json', status: 429, body: {}, headers: { 'retry-after': '86400' } }]);
    expect(capped.error?.retry_after_ms).toBe(60_000);
  });

  it.each([
    [500, 'server'],
    [503, 'server'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'client'],
    [408, 'timeout'],
  ] as const)('classifies HTTP %i as %s', async (status, kind) => {
    const r = await call([{ kind: 'json', status, body: { error: { message: `status ${status}` } } }]);
    expect(r.status).toBe(status);
    expect(r.error?.kind).toBe(kind);
    expect(r.output).toBeNull();
  });

  it('turns a hang into a 408 at the deadline', async () => {
    const r = await call([{ kind: 'hang' }], { deadline_ms: 150 });
    expect(r.status).toBe(408);
    expect(r.error?.kind).toBe('timeout');
    // It returned at all (a hang would run into the test's timeout); how soon is the machine's business.
    expect(r.latency_ms).toBeGreaterThanOrEqual(140);
  });

  it('turns a body that stalls half-way into a 408 at the deadline, closing the socket', async () => {
    const r = await call([{ kind: 'stall', partial: '{"choices":[{"message":' }], { deadline_ms: 150 });
    expect(r).toMatchObject({ status: 408, output: null, error: { kind: 'timeout' } });
    await server?.idle();
  });

  it('reports a stream cut mid-body as 502 network', async () => {
    const r = await call([{ kind: 'cut', partial: '{"id":"chatcmpl-1","choices":[{"mess' }]);
    expect(r).toMatchObject({ status: 502, output: null, error: { kind: 'network' } });
    expect(r.error?.message).toMatch(/middle of the response body/);
  });

  it('reports a socket hang up as 502 network', async () => {
    const r = await call([{ kind: 'reset' }]);
    expect(r).toMatchObject({ status: 502, error: { kind: 'network' } });
  });

  it('reports a refused connection as 502 network', async () => {
    const port = await freePort();
    client = createChatClient({ env: { TEST_KEY: CANARY } });
    const r = await client.complete(entry(`http://127.0.0.1:${port}/v1`), { messages, params: {} });
    expect(r).toMatchObject({ status: 502, error: { kind: 'network', message: expect.stringMatching(/refused/) } });
  });

  it.each([
    ['an HTML error page', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['garbage', '\u0000\u0001binary garbage\u00ff'],
  ])('reports a 200 with %s as 502 bad_response', async (_what, body) => {
    const r = await call([{ kind: 'text', status: 200, body }]);
    expect(r).toMatchObject({ status: 502, output: null, error: { kind: 'bad_response' } });
    expect(r.error?.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it.each([
    [{ error: { message: 'Rate limit reached', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }, 429, 'rate_limited'],
    [{ error: { message: 'The server had an error', type: 'server_error' } }, 500, 'server'],
    [{ error: { message: 'overloaded', code: 503 } }, 503, 'server'],
    [{ error: { message: 'upstream timed out', type: 'timeout' } }, 408, 'timeout'],
  ])('maps a 200 holding an error object to its status', async (body, status, kind) => {
    const r = await call([{ kind: 'json', status: 200, body }]);
    expect(r.status).toBe(status);
    expect(r.error?.kind).toBe(kind);
  });

  it('never lets the API key reach a result, even from a server that echoes headers', async () => {
    const results = [];
    for (const fault of [
      { kind: 'echo-headers', status: 401 },
      { kind: 'echo-headers', status: 500 },
      { kind: 'json', status: 200, body: { error: { message: `invalid key Bearer ${CANARY}` } } },
      { kind: 'text', status: 200, body: `<html>${CANARY}</html>` },
    ] satisfies Fault[]) {
      results.push(await call([fault]));
      await client?.close();
      await server?.close();
    }
    server = undefined;
    client = undefined;
    for (const r of results) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(r)).not.toContain(CANARY);
      expect(JSON.stringify(r)).not.toContain(CANARY.slice(3, 20));
    }
    expect(results[0]?.error?.message).toContain('[REDACTED:');
  });

  it('answers 401 without calling when the key variable is unset, naming the variable only', async () => {
    server = await startFaultServer([{ kind: 'json', status: 200, body: completion('x') }]);
    client = createChatClient({ env: {} });
    const r = await client.complete(entry(server.baseUrl), { messages, params: {} });
    expect(r).toMatchObject({ status: 401, error: { kind: 'auth', message: expect.stringContaining('TEST_KEY') } });
    expect(server.requests).toHaveLength(0);
  });

  it('leaves no socket open after close()', async () => {
    server = await startFaultServer(() => ({ kind: 'json', status: 200, body: completion('ok') }));
    client = createChatClient({ env: { TEST_KEY: CANARY } });
    const c = client;
    const s = server;
    await Promise.all(Array.from({ length: 6 }, () => c.complete(entry(s.baseUrl), { messages, params: {} })));
    expect(server.openConnections()).toBeGreaterThan(0); // keep-alive pool
    await client.close();
    await server.idle();
    expect(server.openConnections()).toBe(0);
  });

  it('rejects when the caller aborts, instead of inventing an outcome', async () => {
    server = await startFaultServer([{ kind: 'hang' }]);
    client = createChatClient({ env: { TEST_KEY: CANARY } });
    const controller = new AbortController();
    const pending = client.complete(entry(server.baseUrl), { messages, params: {}, signal: controller.signal });
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
  });

  it('classifies the same faults through a fetch implementation', async () => {
    const okResult = await call([{ kind: 'json', status: 200, body: completion('56') }], { fetch: true });
    expect(okResult).toMatchObject({ status: 200, output: '56' });
    await client?.close();
    await server?.close();
    const cut = await call([{ kind: 'cut', partial: '{"choices":[' }], { fetch: true });
    expect(cut).toMatchObject({ status: 502, error: { kind: 'network' } });
    await client?.close();
    await server?.close();
    const hang = await call([{ kind: 'hang' }], { fetch: true, deadline_ms: 100 });
    expect(hang).toMatchObject({ status: 408, error: { kind: 'timeout' } });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}
