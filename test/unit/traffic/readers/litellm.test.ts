import { describe, expect, it } from 'vitest';
import { readLiteLlm } from '../../../../src/traffic/readers/litellm.js';

const ctx = { fallbackTimestamp: '2026-01-01T00:00:00.000Z' };

describe('litellm reader', () => {
  it('reads a SpendLogs row with JSON inside strings', () => {
    const out = readLiteLlm(
      {
        request_id: 'chatcmpl-1',
        startTime: '2026-11-20 09:01:12.104211',
        endTime: '2026-11-20 09:01:12.905034',
        model: 'claude-3-5-haiku',
        model_group: 'fast',
        spend: 0.000183,
        prompt_tokens: 40,
        completion_tokens: 12,
        metadata: '{"requester_metadata": {"project": "shop"}}',
        request_tags: '["intent:chat", "beta"]',
        messages: '[{"role": "user", "content": "Where is my order?"}]',
        response: '{"choices": [{"message": {"role": "assistant", "content": "Shipped."}}]}',
        status: 'success',
      },
      ctx,
    );
    const r = out.records[0];
    expect(r?.timestamp).toBe('2026-11-20T09:01:12.104Z');
    expect(r?.metadata).toMatchObject({ intent: 'chat', project: 'shop', tags: ['intent:chat', 'beta'] });
    expect(r?.response).toMatchObject({
      model: 'claude-3-5-haiku',
      output: 'Shipped.',
      status: 200,
      cost_usd: 0.000183,
      input_tokens: 40,
      output_tokens: 12,
      latency_ms: 801,
    });
    expect(r?.replayable).toBe(true);
  });

  it('keeps the provider the log names, as its raw name and as a provider kind', () => {
    const row = (custom_llm_provider: string) =>
      readLiteLlm(
        {
          request_id: `p-${custom_llm_provider}`,
          startTime: '2026-11-20T09:00:00Z',
          model: 'm',
          custom_llm_provider,
          messages: '[{"role":"user","content":"hi"}]',
          status: 'success',
        },
        ctx,
      ).records[0]?.metadata;
    expect(row('anthropic')).toMatchObject({ provider: 'anthropic', provider_kind: 'anthropic' });
    expect(row('vertex_ai')).toMatchObject({ provider: 'vertex_ai', provider_kind: 'gemini' });
    expect(row('bedrock')).toMatchObject({ provider: 'bedrock', provider_kind: 'bedrock' });
    expect(row('watsonx')).toMatchObject({ provider_kind: 'watsonx' });
    expect(row('azure')).toMatchObject({ provider_kind: 'azure-openai' });
    expect(row('together_ai')).toMatchObject({ provider_kind: 'openai' });
    expect(row('some-new-cloud')).toEqual(expect.not.objectContaining({ provider_kind: expect.anything() }));
  });

  it('keeps a row logged without messages, marked not replayable', () => {
    const r = readLiteLlm(
      {
        request_id: 'r2',
        startTime: '2026-11-20T09:00:00Z',
        model: 'gpt-4o',
        messages: '{}',
        response: '{}',
        status: 'success',
        spend: 0.01,
      },
      ctx,
    ).records[0];
    expect(r?.replayable).toBe(false);
    expect(r?.request.messages).toEqual([]);
    expect(r?.response.cost_usd).toBe(0.01);
  });

  it('takes a failure status from error_information (SpendLogs metadata or StandardLoggingPayload)', () => {
    const spend = readLiteLlm(
      {
        request_id: 'r3',
        startTime: '2026-11-20 09:01:13',
        status: 'failure',
        metadata: '{"error_information": {"error_code": "429"}}',
        messages: '[]',
      },
      ctx,
    );
    expect(spend.records[0]?.response.status).toBe(429);
    const slp = readLiteLlm(
      {
        id: 'r4',
        call_type: 'acompletion',
        startTime: 1763629262.5,
        endTime: 1763629263.0,
        status: 'failure',
        error_information: { error_code: '', error_class: 'Timeout', error_message: 'Request timed out' },
        messages: [{ role: 'user', content: 'hi' }],
        model_parameters: { temperature: 0.1 },
        request_tags: ['intent:billing'],
        response_cost: 0,
      },
      ctx,
    ).records[0];
    expect(slp?.timestamp).toBe('2025-11-20T09:01:02.500Z');
    expect(slp?.response.status).toBe(500);
    expect(slp?.response.latency_ms).toBe(500);
    expect(slp?.request.params).toMatchObject({ temperature: 0.1 });
    expect(slp?.metadata.intent).toBe('billing');
  });

  it('requires request_id and startTime', () => {
    expect(readLiteLlm({ startTime: '2026-11-20' }, ctx).bad[0]).toMatch(/request_id/);
    expect(readLiteLlm({ request_id: 'x', startTime: 'yesterday' }, ctx).bad[0]).toMatch(/startTime/);
  });
});
