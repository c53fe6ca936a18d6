import { describe, expect, it } from 'vitest';
import { readLangfuse } from '../../../../src/traffic/readers/langfuse.js';
import { readOtel } from '../../../../src/traffic/readers/otel.js';
import { detectFormat } from '../../../../src/traffic/readers/detect.js';

const ctx = { fallbackTimestamp: '2026-01-01T00:00:00.000Z' };
const s = (stringValue: string) => ({ stringValue });
const attr = (key: string, value: unknown) => ({ key, value });

describe('langfuse reader', () => {
  it('reads a GENERATION and skips spans', () => {
    const gen = readLangfuse(
      {
        id: 'obs-1',
        traceId: 'tr-1',
        type: 'GENERATION',
        startTime: '2026-11-20T10:00:00.000Z',
        endTime: '2026-11-20T10:00:01.250Z',
        model: 'gpt-4o-mini',
        modelParameters: { temperature: '0.3' },
        input: [{ role: 'user', content: 'Hello' }],
        output: { role: 'assistant', content: 'Hi!' },
        usageDetails: { input: 5, output: 2 },
        costDetails: { total: 0.0001 },
        metadata: { intent: 'chat' },
        level: 'DEFAULT',
      },
      ctx,
    ).records[0];
    expect(gen?.request).toEqual({ messages: [{ role: 'user', content: 'Hello' }], params: { model: 'gpt-4o-mini', temperature: '0.3' } });
    expect(gen?.response).toEqual({
      model: 'gpt-4o-mini',
      output: 'Hi!',
      status: 200,
      latency_ms: 1250,
      input_tokens: 5,
      output_tokens: 2,
      cost_usd: 0.0001,
    });
    expect(gen?.metadata.intent).toBe('chat');
    expect(readLangfuse({ id: 's', traceId: 't', type: 'SPAN', startTime: '2026-11-20T10:00:00Z' }, ctx).skipped).toBe(1);
  });

  it('keeps the provider named in the metadata (LangChain ls_provider, OTel attributes)', () => {
    const meta = (metadata: unknown) =>
      readLangfuse({ id: 'p', traceId: 't', type: 'GENERATION', startTime: '2026-11-20T10:00:00Z', input: 'hi', metadata }, ctx).records[0]
        ?.metadata;
    expect(meta({ ls_provider: 'anthropic' })).toMatchObject({ provider: 'anthropic', provider_kind: 'anthropic' });
    expect(meta({ attributes: { 'gen_ai.system': 'gcp.vertex_ai' } })).toMatchObject({ provider_kind: 'gemini' });
    expect(meta({ 'gen_ai.provider.name': 'aws.bedrock' })).toMatchObject({ provider_kind: 'bedrock' });
    expect(meta({ intent: 'chat' })).not.toHaveProperty('provider_kind');
  });

  it('turns an ERROR level into a failure status and a string input into a user turn', () => {
    const r = readLangfuse(
      {
        id: 'o2',
        trace_id: 't',
        type: 'GENERATION',
        start_time: '2026-11-20 10:00:00',
        input: 'Summarise',
        level: 'ERROR',
        status_message: 'Error code: 429 rate limited',
      },
      ctx,
    ).records[0];
    expect(r?.request.messages).toEqual([{ role: 'user', content: 'Summarise' }]);
    expect(r?.response.status).toBe(429);
  });
});

describe('otel reader', () => {
  const doc = (spans: unknown[]) => ({
    resourceSpans: [{ resource: { attributes: [attr('service.name', s('shop'))] }, scopeSpans: [{ spans }] }],
  });
  const base = { traceId: 'ab', startTimeUnixNano: '1763629262000000000', endTimeUnixNano: '1763629262700000000' };

  it('reads current gen_ai.input.messages / output.messages', () => {
    const out = readOtel(
      doc([
        {
          ...base,
          spanId: '01',
          attributes: [
            attr('gen_ai.request.model', s('gpt-4o')),
            attr('gen_ai.request.temperature', { doubleValue: 0.5 }),
            attr('gen_ai.usage.input_tokens', { intValue: '52' }),
            attr('gen_ai.input.messages', s('[{"role":"user","parts":[{"type":"text","content":"Which frame?"}]}]')),
            attr('gen_ai.output.messages', s('[{"role":"assistant","parts":[{"type":"text","content":"56 cm."}]}]')),
          ],
        },
        { ...base, spanId: '02', attributes: [attr('http.method', s('GET'))] },
      ]),
      ctx,
    );
    expect(out.skipped).toBe(1);
    const r = out.records[0];
    expect(r?.request).toEqual({ messages: [{ role: 'user', content: 'Which frame?' }], params: { model: 'gpt-4o', temperature: 0.5 } });
    expect(r?.response).toMatchObject({ model: 'gpt-4o', output: '56 cm.', status: 200, latency_ms: 700, input_tokens: 52 });
    expect(r?.metadata.service).toBe('shop');
    expect(r?.timestamp).toBe('2025-11-20T09:01:02.000Z');
  });

  it('keeps the provider: gen_ai.provider.name, else the deprecated gen_ai.system', () => {
    const kind = (attrs: unknown[]) =>
      readOtel(doc([{ ...base, spanId: '09', attributes: [attr('gen_ai.request.model', s('m')), ...attrs] }]), ctx).records[0]?.metadata;
    expect(kind([attr('gen_ai.provider.name', s('aws.bedrock'))])).toMatchObject({ provider: 'aws.bedrock', provider_kind: 'bedrock' });
    expect(kind([attr('gen_ai.system', s('anthropic'))])).toMatchObject({ provider: 'anthropic', provider_kind: 'anthropic' });
    expect(kind([attr('gen_ai.system', s('ibm.watsonx.ai'))])).toMatchObject({ provider_kind: 'watsonx' });
    expect(kind([attr('gen_ai.provider.name', s('gcp.gemini')), attr('gen_ai.system', s('openai'))])).toMatchObject({
      provider_kind: 'gemini',
    });
  });

  it('reads the deprecated gen_ai.prompt forms and span events', () => {
    const out = readOtel(
      doc([
        {
          ...base,
          spanId: '03',
          attributes: [
            attr('gen_ai.system', s('openai')),
            attr('gen_ai.prompt', s('[{"role":"user","content":"json form"}]')),
            attr('gen_ai.completion', s('[{"role":"assistant","content":"ok1"}]')),
          ],
        },
        {
          ...base,
          spanId: '04',
          attributes: [
            attr('gen_ai.system', s('openai')),
            attr('gen_ai.prompt.0.role', s('system')),
            attr('gen_ai.prompt.0.content', s('be brief')),
            attr('gen_ai.prompt.1.role', s('user')),
            attr('gen_ai.prompt.1.content', s('flat form')),
            attr('gen_ai.completion.0.content', s('ok2')),
          ],
        },
        {
          ...base,
          spanId: '05',
          status: { code: 2 },
          attributes: [attr('gen_ai.request.model', s('m')), attr('error.type', s('429'))],
          events: [
            { name: 'gen_ai.user.message', attributes: [attr('content', s('event form'))] },
            { name: 'gen_ai.choice', attributes: [attr('message', s('{"content":"ok3"}'))] },
          ],
        },
        {
          ...base,
          spanId: '06',
          attributes: [attr('gen_ai.system', s('openai'))],
          events: [{ name: 'gen_ai.content.prompt', attributes: [attr('gen_ai.prompt', s('plain prompt'))] }],
        },
      ]),
      ctx,
    );
    const [a, b, c, d] = out.records;
    expect(a?.request.messages).toEqual([{ role: 'user', content: 'json form' }]);
    expect(a?.response.output).toBe('ok1');
    expect(b?.request.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'flat form' },
    ]);
    expect(b?.response.output).toBe('ok2');
    expect(c?.request.messages).toEqual([{ role: 'user', content: 'event form' }]);
    expect(c?.response).toMatchObject({ output: 'ok3', status: 429 });
    expect(d?.request.messages).toEqual([{ role: 'user', content: 'plain prompt' }]);
  });

  it('quarantines a GenAI span without ids, marks one without messages not replayable', () => {
    const out = readOtel(
      doc([
        { startTimeUnixNano: '1', attributes: [attr('gen_ai.system', s('x'))] },
        { ...base, spanId: '07', attributes: [attr('gen_ai.request.model', s('m'))] },
      ]),
      ctx,
    );
    expect(out.bad[0]).toMatch(/traceId/);
    expect(out.records[0]?.replayable).toBe(false);
  });
});

describe('detectFormat', () => {
  it('tells every format from its fields', () => {
    expect(detectFormat({ resourceSpans: [] })?.format).toBe('otel');
    expect(detectFormat({ custom_id: 'a', body: {} })).toEqual({ format: 'openai-batch', role: 'batch-input' });
    expect(detectFormat({ custom_id: 'a', response: {} })).toEqual({ format: 'openai-batch', role: 'batch-output' });
    expect(detectFormat({ request: { messages: [] } })?.format).toBe('openai-chat');
    expect(detectFormat({ request_id: 'x', spend: 0 })?.format).toBe('litellm');
    expect(detectFormat({ id: 'x', call_type: 'completion' })?.format).toBe('litellm');
    expect(detectFormat({ id: 'x', traceId: 't', type: 'GENERATION' })?.format).toBe('langfuse');
    expect(detectFormat({ hello: 1 })).toBeNull();
  });
});
