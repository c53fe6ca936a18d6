import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChatCompletionBody, plainChat, toParsedChat } from '../../../src/gateway/chat-request.js';
import { createMetrics } from '../../../src/gateway/metrics.js';
import { completionStream } from '../../../src/gateway/sse.js';

describe('the chat completion body as the gateway reads it', () => {
  it('keeps params for the upstream, drops credentials and its own fields, joins content parts', () => {
    const body = ChatCompletionBody.parse({
      model: 'policy/anygem',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }] }],
      temperature: 0.2,
      api_key: 'sk-should-not-travel',
      Authorization: 'Bearer x',
      stream: true,
      stream_options: { include_usage: true },
      metadata: { intent: 'support' },
      user: 'u1',
    });
    const chat = toParsedChat(body);
    expect({ ...chat.params }).toEqual({ temperature: 0.2 });
    expect(chat.messages).toEqual([{ role: 'user', content: 'a\nb' }]);
    expect(chat).toMatchObject({ stream: true, includeUsage: true, user: 'u1' });
    expect(chat.metadata.get('intent')).toBe('support');
  });

  it('refuses a body without messages, naming the field', () => {
    const r = ChatCompletionBody.safeParse({ model: 'm', messages: [] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['messages']);
  });
});

describe('wire formats', () => {
  it('streams one content chunk, a finish chunk, usage when asked, then [DONE]', () => {
    const r = {
      status: 200,
      output: 'hi',
      answered_by: 'm',
      latency_ms: 1,
      input_tokens: 2,
      output_tokens: 3,
      cost_usd: 0,
      simulated: true,
    };
    const events = completionStream('id', 0, 'm', r, true).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map(
      (e) =>
        JSON.parse(e.slice('data: '.length)) as {
          choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
          usage?: { total_tokens: number };
        },
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(['hi', null, null]);
    expect(chunks[1]?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks[2]?.usage?.total_tokens).toBe(5);
  });

  it('writes Prometheus text with escaped label values and cumulative buckets', () => {
    const m = createMetrics();
    m.attempts.inc(['we"ird\\model\n', '200']);
    m.latency.observe(['a'], 0.003);
    const text = m.render();
    expect(text).toContain('routelab_gateway_attempts_total{model="we\\"ird\\\\model\\n",status="200"} 1');
    expect(text).toContain('routelab_gateway_request_duration_seconds_bucket{model="a",le="0.0025"} 0');
    expect(text).toContain('routelab_gateway_request_duration_seconds_bucket{model="a",le="0.005"} 1');
    expect(text).toContain('routelab_gateway_request_duration_seconds_bucket{model="a",le="+Inf"} 1');
  });
});

describe('the hand check that spares the schema on the usual body', () => {
  // Bodies near the edges of what the schema accepts: every field optional, wrong types, limits.
  const text = (max: number) => fc.oneof(fc.string({ maxLength: max }), fc.constant('x'.repeat(max)), fc.constant('x'.repeat(max + 1)));
  const anyValue = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.integer(),
    fc.boolean(),
    text(10),
    fc.constant([]),
    fc.constant({}),
  );
  const message = fc.record(
    {
      role: fc.oneof(text(64), anyValue),
      content: fc.oneof(text(20), fc.constant(null), fc.constant([{ type: 'text', text: 'a' }]), anyValue),
      name: fc.oneof(text(256), anyValue),
    },
    { requiredKeys: [] },
  );
  const body = fc.record(
    {
      model: fc.oneof(text(256), fc.constant(''), anyValue),
      messages: fc.oneof(fc.array(message, { maxLength: 3 }), anyValue),
      stream: fc.oneof(fc.boolean(), anyValue),
      stream_options: fc.oneof(fc.record({ include_usage: fc.oneof(fc.boolean(), anyValue) }, { requiredKeys: [] }), anyValue),
      user: fc.oneof(text(256), anyValue),
      metadata: fc.oneof(fc.constant({ intent: 'support' }), anyValue),
      temperature: fc.oneof(fc.double(), anyValue),
    },
    { requiredKeys: [] },
  );

  it('accepts only what the schema accepts, and reads it the same way', () => {
    fc.assert(
      fc.property(body, (b) => {
        // As the gateway sees it: parsed JSON (undefined members are absent).
        const json = JSON.parse(JSON.stringify(b)) as unknown;
        if (!plainChat(json)) return;
        const parsed = ChatCompletionBody.safeParse(json);
        expect(parsed.success).toBe(true);
        if (parsed.success) expect(toParsedChat(json)).toEqual(toParsedChat(parsed.data));
      }),
      { seed: 15, numRuns: 2000 },
    );
  });

  it('takes the common body', () => {
    expect(plainChat({ model: 'policy/anygem', messages: [{ role: 'user', content: 'hi' }], stream: true, temperature: 0 })).toBe(true);
    expect(plainChat({ model: 'policy/anygem', messages: [] })).toBe(false);
  });
});
