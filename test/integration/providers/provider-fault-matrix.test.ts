import { afterEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../../src/domain/call-result.js';
import type { ProviderKind } from '../../../src/domain/catalog-entry.js';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import type { Fault, ReceivedRequest } from '../../helpers/fault-server.js';
import { bedrockSignatureOk, CANARIES, FAKES, KINDS, startProviderFakes, USAGE } from '../../helpers/provider-fakes.js';

/**
 * The fault matrix the OpenAI-compatible client passes, run against a loopback fake of every
 * provider kind's wire format: each fault is one classified result with the same status and kind
 * whatever the provider, one request (no hidden retry), no socket left open, no credential anywhere.
 */

const messages = [
  { role: 'system', content: 'Answer with a number.' },
  { role: 'user', content: 'What is 7 * 8?' },
];
const HTML = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>';

type Expected = Partial<Omit<CallResult, 'error'>> & { error?: Partial<NonNullable<CallResult['error']>> };
interface Case {
  fault: (kind: ProviderKind) => Fault;
  expect: Expected | ((kind: ProviderKind) => Expected);
  deadline_ms?: number;
}

const sse = (body: string): Fault => ({ kind: 'text', status: 200, body, contentType: 'text/event-stream' });
/** Bedrock's streams are binary AWS event streams: routelab never asks for one and does not read one. */
const NOT_READ: Expected = { status: 502, error: { kind: 'bad_response' } };

const MATRIX: Record<string, Case> = {
  answer: {
    fault: (k) => ({ kind: 'json', status: 200, body: FAKES[k].ok('56') }),
    expect: { status: 200, output: '56', input_tokens: USAGE.input, output_tokens: USAGE.output },
  },
  '429 Retry-After seconds': {
    fault: (k) => ({ kind: 'json', status: 429, body: FAKES[k].error(429, 'slow down'), headers: { 'retry-after': '7' } }),
    expect: { status: 429, error: { kind: 'rate_limited', retry_after_ms: 7000 } },
  },
  '429 Retry-After huge (capped)': {
    fault: (k) => ({
      kind: 'json',
      status: 429,
      body: FAKES[k].error(429, 'come back next year'),
      headers: { 'retry-after': '99999999999' },
    }),
    expect: { status: 429, error: { kind: 'rate_limited', retry_after_ms: 60_000 } },
  },
  '429 Retry-After garbage': {
    fault: (k) => ({ kind: 'json', status: 429, body: FAKES[k].error(429, '?'), headers: { 'retry-after': 'soon-ish, maybe' } }),
    expect: { status: 429, error: { kind: 'rate_limited' } },
  },
  '500 error body': {
    fault: (k) => ({ kind: 'json', status: 500, body: FAKES[k].error(500, 'boom') }),
    expect: { status: 500, error: { kind: 'server' } },
  },
  '503 HTML page': {
    fault: () => ({ kind: 'text', status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' }),
    expect: { status: 503, error: { kind: 'server' } },
  },
  '401 error body': {
    fault: (k) => ({ kind: 'json', status: 401, body: FAKES[k].error(401, 'invalid credentials') }),
    expect: { status: 401, error: { kind: 'auth' } },
  },
  '403 error body': {
    fault: (k) => ({ kind: 'json', status: 403, body: FAKES[k].error(403, 'not allowed') }),
    expect: { status: 403, error: { kind: 'auth' } },
  },
  '400 error body': {
    fault: (k) => ({ kind: 'json', status: 400, body: FAKES[k].error(400, 'prompt is too long') }),
    expect: { status: 400, error: { kind: 'client' } },
  },
  hang: { fault: () => ({ kind: 'hang' }), expect: { status: 408, error: { kind: 'timeout' } }, deadline_ms: 150 },
  'stall mid-body': {
    fault: () => ({ kind: 'stall', partial: '{"id":"x","content":[{"ty' }),
    expect: { status: 408, error: { kind: 'timeout' } },
    deadline_ms: 150,
  },
  'cut mid-body': {
    fault: () => ({ kind: 'cut', partial: '{"id":"x","candidates":[{"conte' }),
    expect: { status: 502, error: { kind: 'network' } },
  },
  'socket reset': { fault: () => ({ kind: 'reset' }), expect: { status: 502, error: { kind: 'network' } } },
  'HTML in a 200': { fault: () => ({ kind: 'text', status: 200, body: HTML }), expect: { status: 502, error: { kind: 'bad_response' } } },
  'unknown JSON in a 200': {
    fault: () => ({ kind: 'json', status: 200, body: { hello: 'world' } }),
    expect: { status: 502, error: { kind: 'bad_response' } },
  },
  'error inside a 200': {
    fault: (k) => ({ kind: 'json', status: 200, body: FAKES[k].errorIn200() }),
    expect: { status: 429, error: { kind: 'rate_limited' } },
  },
  'answer as an event stream': {
    fault: (k) => (FAKES[k].stream ? sse(FAKES[k].stream.ok('56')) : sse('data: {}\n\n')),
    expect: (k) => (FAKES[k].stream ? { status: 200, output: '56', input_tokens: USAGE.input, output_tokens: USAGE.output } : NOT_READ),
  },
  'error event mid-stream': {
    fault: (k) => sse(FAKES[k].stream?.error().body ?? 'data: {}\n\n'),
    expect: (k) => {
      const status = FAKES[k].stream?.error().status;
      return status ? { status, error: { kind: status === 429 ? 'rate_limited' : 'server' } } : NOT_READ;
    },
  },
  'stream without its final event': {
    fault: (k) => sse(FAKES[k].stream?.ok('56', true) ?? 'data: {}\n\n'),
    expect: { status: 502, error: { kind: 'bad_response' } },
  },
  'leaky server echoing headers': {
    fault: () => ({ kind: 'echo-headers', status: 401 }),
    expect: { status: 401, error: { kind: 'auth' } },
  },
};

describe.each(KINDS)('%s wire format against the fault matrix', (kind) => {
  let client: ChatClient | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await client?.close();
    await close?.();
    client = undefined;
    close = undefined;
  });

  it.each(Object.entries(MATRIX))('%s', async (_name, c) => {
    const server = await startProviderFakes((k) => c.fault(k));
    close = () => server.close();
    const fake = FAKES[kind];
    client = createChatClient({ env: fake.env });
    const r = await client.complete(fake.entry(server.origin), {
      messages,
      params: { temperature: 0, max_tokens: 100 },
      ...(c.deadline_ms ? { deadline_ms: c.deadline_ms } : {}),
    });

    const want = typeof c.expect === 'function' ? c.expect(kind) : c.expect;
    expect(r).toMatchObject(want);
    if (r.status !== 200) expect(r.output).toBeNull();
    if (want.error && !('retry_after_ms' in want.error) && r.status !== 429) expect(r.error?.retry_after_ms).toBeUndefined();
    // One request to the model: never a retry behind the policy's back.
    expect(server.calls(kind)).toHaveLength(1);
    // No credential in anything the call produced.
    const text = JSON.stringify(r);
    for (const secret of CANARIES) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(3, 20));
    }
    expect(r.error?.message ?? '').not.toMatch(/[\u0000-\u001f]/);
    if (kind === 'bedrock')
      expect(await bedrockSignatureOk(server.calls(kind)[0] as ReceivedRequest, Number(new URL(server.origin).port))).toBe(true);
    // Every socket closes with the client.
    await client.close();
    await server.idle();
    expect(server.openConnections()).toBe(0);
  });

  it('prices the answer from its own usage fields exactly', async () => {
    const server = await startProviderFakes((k) => ({ kind: 'json', status: 200, body: FAKES[k].ok('56') }));
    close = () => server.close();
    const fake = FAKES[kind];
    client = createChatClient({ env: fake.env });
    const entry = fake.entry(server.origin);
    const r = await client.complete(entry, { messages, params: {} });
    const p = entry.price;
    const want =
      ((USAGE.input - fake.cached) * p.input_per_m +
        fake.cached * (p.cached_input_per_m ?? p.input_per_m) +
        USAGE.output * p.output_per_m) /
      1e6;
    expect(r.cost_usd).toBeCloseTo(want, 15);
    expect(r.answered_by === null || typeof r.answered_by === 'string').toBe(true);
  });

  it('answers 401 without calling when its credential is not in the environment', async () => {
    const server = await startProviderFakes((k) => ({ kind: 'json', status: 200, body: FAKES[k].ok('x') }));
    close = () => server.close();
    client = createChatClient({ env: {} });
    const r = await client.complete(FAKES[kind].entry(server.origin), { messages, params: {} });
    expect(r).toMatchObject({ status: 401, error: { kind: 'auth' } });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects when the caller aborts, instead of inventing an outcome', async () => {
    const server = await startProviderFakes(() => ({ kind: 'hang' }));
    close = () => server.close();
    client = createChatClient({ env: FAKES[kind].env });
    const controller = new AbortController();
    const pending = client.complete(FAKES[kind].entry(server.origin), { messages, params: {}, signal: controller.signal });
    await expect.poll(() => server.requests.length).toBeGreaterThan(0);
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
  });
});

describe('watsonx IAM token', () => {
  it('is fetched once, reused, refreshed before it expires, dropped on a 401, and an IAM fault is classified', async () => {
    let now = 1_000_000;
    let chatStatus = 200;
    const server = await startProviderFakes((k) =>
      chatStatus === 200
        ? { kind: 'json', status: 200, body: FAKES[k].ok('ok') }
        : { kind: 'json', status: chatStatus, body: FAKES[k].error(chatStatus, 'token expired') },
    );
    const client = createChatClient({ env: FAKES.watsonx.env, now: () => now });
    try {
      const entry = FAKES.watsonx.entry(server.origin);
      const iam = () => server.requests.filter((r) => r.path.startsWith('/iam/')).length;
      await client.complete(entry, { messages, params: {} });
      await client.complete(entry, { messages, params: {} });
      expect(iam()).toBe(1);
      now += 2_900_000; // 80% of the 3600 s life has passed
      await client.complete(entry, { messages, params: {} });
      expect(iam()).toBe(2);
      chatStatus = 401;
      expect((await client.complete(entry, { messages, params: {} })).status).toBe(401);
      chatStatus = 200;
      await client.complete(entry, { messages, params: {} });
      expect(iam()).toBe(3);
      const other = createChatClient({ env: { PROVIDER_KEY: 'wrong-key' } });
      const badKey = await other.complete(entry, { messages, params: {} });
      await other.close();
      expect(badKey).toMatchObject({ status: 401, error: { kind: 'auth', message: expect.stringContaining('IAM') } });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
