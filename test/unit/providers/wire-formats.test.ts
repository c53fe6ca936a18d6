import { describe, expect, it } from 'vitest';
import type { CatalogEntry, ProviderKind } from '../../../src/domain/catalog-entry.js';
import type { ChatMessage } from '../../../src/providers/chat-message.js';
import { classifyWire } from '../../../src/providers/classify-response.js';
import type { Transport } from '../../../src/providers/http-transport.js';
import { isWireCall, type WireCall } from '../../../src/providers/provider-adapter.js';
import { createAdapters } from '../../../src/providers/provider-adapters.js';

/** Each adapter's request encoding and its own usage fields, priced exactly. No network. */

const KEY = 'test-key-0123456789';
const env = {
  K: KEY,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
};
const price = { input_per_m: 3, output_per_m: 15, cached_input_per_m: 0.3 };
const noNetwork: Transport = { post: () => Promise.reject(new Error('no network in this test')), close: async () => {} };

const conversation: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image', url: 'https://example.com/cat.png' },
    ],
  },
  { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }] },
  { role: 'tool', content: 'a cat', tool_call_id: 'call_1' },
];
const params = {
  temperature: 0.2,
  max_tokens: 64,
  tools: [{ type: 'function', function: { name: 'lookup', description: 'find', parameters: { type: 'object' } } }],
};

function entry(provider: ProviderKind, over: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name: `cat/${provider}`,
    provider,
    model: 'up-model',
    base_url: 'http://127.0.0.1:9/base',
    api_key_env: provider === 'bedrock' ? null : 'K',
    price,
    context_window: null,
    concurrency: 1,
    rate_limit_rpm: null,
    simulated: null,
    ...over,
  };
}

async function prepare(provider: ProviderKind, over: Partial<CatalogEntry> = {}): Promise<WireCall & { json: Record<string, unknown> }> {
  const e = entry(provider, over);
  const call = await createAdapters()[provider].prepare({
    entry: e,
    model: 'up-model',
    baseUrl: e.base_url ?? '',
    messages: conversation,
    params,
    env,
    transport: noNetwork,
    signal: new AbortController().signal,
    now: () => 0,
  });
  if (!isWireCall(call)) throw new Error(`no call: ${call.error?.message}`);
  return { ...call, json: JSON.parse(call.body) as Record<string, unknown> };
}

describe('request encoding per provider kind', () => {
  it('anthropic: x-api-key, version, system apart, image and tool blocks', async () => {
    const c = await prepare('anthropic');
    expect(c.url).toBe('http://127.0.0.1:9/base/messages');
    expect(c.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    expect(c.json).toMatchObject({
      model: 'up-model',
      max_tokens: 64,
      system: 'Be brief.',
      temperature: 0.2,
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
    });
    expect(c.json.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'cat' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'a cat' }] },
    ]);
  });

  it('gemini: key in x-goog-api-key (never the URL), contents, functionResponse by name; Vertex uses a bearer token', async () => {
    const c = await prepare('gemini');
    expect(c.url).toBe('http://127.0.0.1:9/base/models/up-model:generateContent');
    expect(c.url).not.toContain(KEY);
    expect(c.headers['x-goog-api-key']).toBe(KEY);
    expect(c.json).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.2, maxOutputTokens: 64 },
      tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
    });
    expect(c.json.contents).toEqual([
      {
        role: 'user',
        parts: [{ text: 'What is in this picture?' }, { fileData: { fileUri: 'https://example.com/cat.png', mimeType: 'image/png' } }],
      },
      { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'cat' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { content: 'a cat' } } }] },
    ]);
    const vertex = await prepare('gemini', { options: { auth: 'bearer' } });
    expect(vertex.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(vertex.headers['x-goog-api-key']).toBeUndefined();
  });

  it('bedrock: Converse body, SigV4 from the environment credentials', async () => {
    const c = await prepare('bedrock', { model: 'anthropic.claude-3-5-haiku-20241022-v1:0' });
    expect(c.url).toBe('http://127.0.0.1:9/base/model/up-model/converse');
    expect(c.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/,
    );
    expect(c.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(c.secrets).toContain(env.AWS_SECRET_ACCESS_KEY);
    expect(c.json).toMatchObject({
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 64, temperature: 0.2 },
      toolConfig: { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] },
    });
    expect(c.json.messages).toEqual([
      { role: 'user', content: [{ text: 'What is in this picture?' }, { text: '[image: https://example.com/cat.png]' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'lookup', input: { q: 'cat' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'a cat' }] } }] },
    ]);
  });

  it('azure-openai: deployment path, api-version, api-key header, no model in the body', async () => {
    const c = await prepare('azure-openai', { options: { api_version: '2024-06-01' } });
    expect(c.url).toBe('http://127.0.0.1:9/base/deployments/up-model/chat/completions?api-version=2024-06-01');
    expect(c.headers['api-key']).toBe(KEY);
    expect(c.headers.authorization).toBeUndefined();
    expect(c.json.model).toBeUndefined();
    expect((c.json.messages as unknown[])[1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      ],
    });
  });

  it('openai: the caller params with our model and messages; catalog headers added, never over ours', async () => {
    const c = await prepare('openai', { headers: { 'X-Title': 'routelab', 'content-type': 'text/plain' } });
    expect(c.headers).toEqual({
      authorization: `Bearer ${KEY}`,
      'x-title': 'routelab',
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'routelab',
    });
    expect(c.json).toMatchObject({ model: 'up-model', temperature: 0.2, stream: false });
    expect((c.json.messages as unknown[])[2]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
    });
  });
});

describe('usage -> cost from each provider own fields', () => {
  const classify = (provider: ProviderKind, body: unknown) =>
    classifyWire(createAdapters()[provider], { status: 200, headers: {}, body: JSON.stringify(body) }, price, 0);
  // 1000 input of which 400 cached, 200 output: (600*3 + 400*0.3 + 200*15) / 1e6
  const expected = (600 * 3 + 400 * 0.3 + 200 * 15) / 1e6;

  it.each([
    [
      'openai',
      {
        model: 'm',
        choices: [{ message: { content: 'hi' } }],
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 200,
          prompt_tokens_details: { cached_tokens: 400 },
          completion_tokens_details: { reasoning_tokens: 50 },
        },
      },
    ],
    [
      'azure-openai',
      {
        model: 'm',
        choices: [{ message: { content: 'hi' } }],
        usage: { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 400 } },
      },
    ],
    [
      'watsonx',
      {
        model_id: 'ibm/granite',
        choices: [{ message: { role: 'assistant', content: 'hi' } }],
        usage: { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 400 } },
      },
    ],
    [
      'anthropic',
      {
        type: 'message',
        model: 'claude',
        content: [{ type: 'text', text: 'hi' }],
        usage: { input_tokens: 500, cache_creation_input_tokens: 100, cache_read_input_tokens: 400, output_tokens: 200 },
      },
    ],
    [
      'gemini',
      {
        modelVersion: 'gemini-2.0-flash',
        candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] } }],
        usageMetadata: { promptTokenCount: 1000, cachedContentTokenCount: 400, candidatesTokenCount: 150, thoughtsTokenCount: 50 },
      },
    ],
    [
      'bedrock',
      {
        output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 600, cacheReadInputTokens: 400, outputTokens: 200, totalTokens: 1200 },
      },
    ],
  ] as const)('%s', (provider, body) => {
    const r = classify(provider, body);
    expect(r).toMatchObject({ status: 200, output: 'hi', input_tokens: 1000, output_tokens: 200, cached_input_tokens: 400 });
    expect(r.cost_usd).toBeCloseTo(expected, 15);
  });

  it('reads tool calls of every kind as the same OpenAI tool_calls JSON', () => {
    const want = JSON.stringify([{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]);
    expect(classify('anthropic', { content: [{ type: 'tool_use', id: 'c1', name: 'f', input: { a: 1 } }], usage: {} }).output).toBe(want);
    expect(
      classify('bedrock', { output: { message: { content: [{ toolUse: { toolUseId: 'c1', name: 'f', input: { a: 1 } } }] } }, usage: {} })
        .output,
    ).toBe(want);
    expect(
      classify('gemini', { candidates: [{ content: { parts: [{ functionCall: { id: 'c1', name: 'f', args: { a: 1 } } }] } }] }).output,
    ).toBe(want);
  });
});
