import { describe, expect, it } from 'vitest';
import { readOpenAiChat } from '../../../../src/traffic/readers/openai-chat.js';
import { joinBatch, readBatchInput, readBatchOutput } from '../../../../src/traffic/readers/openai-batch.js';

const ctx = { fallbackTimestamp: '2026-01-01T00:00:00.000Z' };

describe('openai-chat reader', () => {
  it('normalises a request/response pair', () => {
    const out = readOpenAiChat(
      {
        timestamp: '2026-11-20T08:15:02Z',
        latency_ms: 812,
        metadata: { intent: 'code', project: 'storefront' },
        request: {
          model: 'gpt-4o',
          temperature: 0.2,
          user: 'u-1',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Fix it' },
                { type: 'image_url', image_url: { url: 'x' } },
              ],
            },
          ],
        },
        response: {
          model: 'gpt-4o-2024-08-06',
          created: 1,
          choices: [{ message: { role: 'assistant', content: 'Done.' } }],
          usage: { prompt_tokens: 21, completion_tokens: 9 },
        },
      },
      ctx,
    );
    expect(out.bad).toEqual([]);
    const r = out.records[0];
    expect(r?.request).toEqual({
      messages: [{ role: 'user', content: 'Fix it\n[image_url]' }],
      params: { model: 'gpt-4o', temperature: 0.2 },
    });
    expect(r?.metadata).toMatchObject({ intent: 'code', project: 'storefront', user: 'u-1' });
    expect(r?.response).toEqual({
      model: 'gpt-4o-2024-08-06',
      output: 'Done.',
      status: 200,
      latency_ms: 812,
      input_tokens: 21,
      output_tokens: 9,
      cost_usd: null,
    });
    expect(r?.replayable).toBe(true);
  });

  it('says which required field is missing', () => {
    expect(readOpenAiChat({ response: {} }, ctx).bad[0]).toMatch(/"request"/);
    expect(readOpenAiChat({ request: { model: 'x' } }, ctx).bad[0]).toMatch(/request\.messages/);
    expect(readOpenAiChat({ request: { messages: [] } }, ctx).bad[0]).toMatch(/timestamp/);
  });
});

describe('openai-batch reader', () => {
  it('joins input and output on custom_id, taking the error status', () => {
    const input = readBatchInput({
      custom_id: 'req-3',
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }], metadata: { intent: 'support' } },
    });
    const output = readBatchOutput({
      id: 'batch_req_3',
      custom_id: 'req-3',
      response: { status_code: 503, body: { error: { message: 'overloaded' } } },
      error: null,
    });
    if (typeof input === 'string' || typeof output === 'string') throw new Error('unexpected');
    const r = joinBatch(input, output, ctx);
    if (typeof r === 'string') throw new Error(r);
    expect(r.response.status).toBe(503);
    expect(r.timestamp).toBe(ctx.fallbackTimestamp);
    expect(r.metadata.intent).toBe('support');
    expect(r.request.params).toEqual({ model: 'm' });
  });

  it('keeps an output without its input, not replayable', () => {
    const output = readBatchOutput({
      id: 'b1',
      custom_id: 'x',
      response: { status_code: 200, body: { created: 1763700000, model: 'm', choices: [{ message: { content: 'ok' } }] } },
    });
    if (typeof output === 'string') throw new Error(output);
    const r = joinBatch(null, output, ctx);
    expect(typeof r !== 'string' && r.replayable).toBe(false);
    expect(typeof r !== 'string' && r.response.output).toBe('ok');
  });

  it('rejects lines without custom_id', () => {
    expect(readBatchInput({ body: {} })).toMatch(/custom_id/);
    expect(readBatchOutput({ response: {} })).toMatch(/custom_id/);
  });
});
