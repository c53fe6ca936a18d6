import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NormalisedRecord } from '../../../src/traffic/readers/reader.js';
import { recordId } from '../../../src/traffic/record-id.js';

const record = (sourceId: string | null): NormalisedRecord => ({
  sourceId,
  timestamp: '2026-11-01T00:00:00.000Z',
  request: { messages: [{ role: 'user', content: 'hi' }], params: {} },
  metadata: { tags: [] },
  response: { model: null, output: null, status: null, latency_ms: null, input_tokens: null, output_tokens: null, cost_usd: null },
  replayable: true,
});
const expected = (bytes: Buffer | string) => `t_${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`;

describe('record ids', () => {
  it('hash `format NUL raw line`, so files imported by earlier versions are still recognised', () => {
    for (const size of [10, 700, 64 * 1024 - 20, 64 * 1024, 300_000]) {
      const raw = Buffer.from(`{"x":"${'é'.repeat(size / 2)}"}`);
      expect(recordId('openai-chat', record(null), raw)).toBe(expected(Buffer.concat([Buffer.from('openai-chat\u0000'), raw])));
    }
  });

  it('a long line in between does not change the next short line’s id', () => {
    const short = Buffer.from('{"a":1}');
    const before = recordId('langfuse', record(null), short);
    recordId('langfuse', record(null), Buffer.alloc(200_000, 0x61));
    expect(recordId('langfuse', record(null), short)).toBe(before);
    expect(recordId('litellm', record(null), short)).not.toBe(before);
  });

  it('use the producer’s id when there is one', () => {
    expect(recordId('otel', record('span-1'), Buffer.from('{}'))).toBe(expected('otel\u0000span-1'));
  });
});
