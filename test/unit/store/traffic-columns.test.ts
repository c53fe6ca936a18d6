import { describe, expect, it } from 'vitest';
import type { TrafficRecord } from '../../../src/domain/traffic-record.js';
import { copyRowEncoder } from '../../../src/traffic/fast-path/copy-rows.js';
import { TRAFFIC_COLUMNS, TRAFFIC_RECORD_TYPES } from '../../../src/store/traffic-columns.js';

const record: TrafficRecord = {
  id: 'abc123',
  timestamp: '2026-12-01T10:00:00.000Z',
  request: { messages: [{ role: 'user', content: 'hi' }], params: {} },
  metadata: { intent: 'support' },
  response: { model: 'm', output: 'hello', status: 200, latency_ms: 12, input_tokens: 1, output_tokens: 1, cost_usd: null },
  replayable: true,
  format: 'openai-chat',
} as unknown as TrafficRecord;

/** The fields of one binary COPY row, as byte arrays. */
function fields(row: Buffer): Buffer[] {
  const count = row.readInt16BE(0);
  const out: Buffer[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const n = row.readInt32BE(at);
    out.push(row.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

describe('the traffic column list', () => {
  it('comes from the schema, and the binary COPY encoder writes its fields in that order', () => {
    const enc = copyRowEncoder(42);
    const batch = enc.batch();
    enc.add(batch, record);
    const row = Buffer.concat([...batch.seal()]);
    const got = fields(row);
    expect(got).toHaveLength(TRAFFIC_COLUMNS.length);
    // What each column holds, read back from the field at that column's position.
    const byColumn = new Map(TRAFFIC_COLUMNS.map((c, i) => [c, got[i] as Buffer]));
    expect(byColumn.get('id')?.toString('latin1')).toBe('abc123');
    expect(byColumn.get('ts')).toHaveLength(8);
    expect(JSON.parse(byColumn.get('request')?.toString('utf8') ?? '')).toMatchObject({ messages: [{ role: 'user', content: 'hi' }] });
    expect(byColumn.get('metadata')?.[0]).toBe(1); // jsonb's version byte
    expect(JSON.parse(byColumn.get('metadata')?.subarray(1).toString('utf8') ?? '')).toEqual({ intent: 'support' });
    expect(JSON.parse(byColumn.get('response')?.toString('utf8') ?? '')).toMatchObject({ output: 'hello' });
    expect([...(byColumn.get('replayable') ?? [])]).toEqual([1]);
    expect(byColumn.get('format')?.toString('latin1')).toBe('openai-chat');
    expect(byColumn.get('import_id')?.readInt32BE(0)).toBe(42);
  });

  it('types a JSON record set of every column but import_id, without collations', () => {
    expect(TRAFFIC_RECORD_TYPES).toBe(
      'id text, ts timestamp with time zone, request json, metadata jsonb, response json, replayable boolean, format text',
    );
  });
});
