import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { InputError } from '../domain/errors.js';
import type { RecordedOutcomeLine } from '../domain/outcome.js';
import { decodeListText } from './python-literal.js';
import type { RecordedItem } from './recorded-item.js';

const RESPONSE = '|model_response';
const COST = '|total_cost';

interface Layout {
  sampleId: number;
  prompt: number | undefined;
  models: Array<{ name: string; score: number; response: number | undefined; cost: number }>;
  /** Other named columns (eval_name, oracle_model_to_route_to, …) → metadata. */
  extra: Array<{ name: string; index: number }>;
  width: number;
}

/**
 * Read RouterBench's wide CSV: one row per case, per model a 0/1 score column, `<m>|model_response`
 * and `<m>|total_cost`. Streams: rows are yielded as they are parsed. A row missing a score or a cost
 * is quarantined whole, with its row and line number; a broken header is an InputError.
 */
export async function* readRouterbenchCsv(input: Readable, file: string): AsyncGenerator<RecordedItem> {
  const parser = input.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  let layout: Layout | undefined;
  let row = 0;
  let lastLine = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const startLine = lastLine + 1;
      lastLine = item.info.lines;
      if (!layout) {
        layout = readHeader(item.record, file);
        continue;
      }
      row++;
      yield* readRow(item.record, layout, file, row, startLine);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const line = e && typeof e === 'object' && 'lines' in e ? Number((e as { lines: unknown }).lines) : undefined;
    throw new InputError(`${file} is not readable CSV`, [{ file, line, message: e instanceof Error ? e.message : String(e) }]);
  }
  if (!layout) throw new InputError(`${file} is empty: expected a RouterBench header (sample_id, prompt, eval_name, <model>, <model>|model_response, <model>|total_cost)`);
}

function readHeader(header: string[], file: string): Layout {
  const at = (name: string) => header.indexOf(name);
  const sampleId = at('sample_id');
  if (sampleId < 0) throw new InputError(`${file}: the header has no sample_id column`, [{ file, line: 1, field: 'sample_id', message: 'required column missing' }]);
  const names = new Set<string>();
  for (const h of header) {
    if (h.endsWith(RESPONSE)) names.add(h.slice(0, -RESPONSE.length));
    if (h.endsWith(COST)) names.add(h.slice(0, -COST.length));
  }
  if (names.size === 0) throw new InputError(`${file}: no model columns found (expected <model>|total_cost and <model>|model_response)`, [{ file, line: 1, message: 'no model columns' }]);
  const issues = [];
  const models: Layout['models'] = [];
  for (const name of names) {
    const score = at(name);
    const cost = at(`${name}${COST}`);
    if (score < 0) issues.push({ file, line: 1, field: name, message: `model "${name}" has no score column named "${name}"` });
    if (cost < 0) issues.push({ file, line: 1, field: `${name}${COST}`, message: `model "${name}" has no cost column` });
    if (score >= 0 && cost >= 0) models.push({ name, score, cost, response: at(`${name}${RESPONSE}`) >= 0 ? at(`${name}${RESPONSE}`) : undefined });
  }
  if (issues.length > 0) throw new InputError(`${file}: the header does not have the RouterBench layout`, issues);
  const modelColumns = new Set(models.flatMap((m) => [m.score, m.cost, m.response ?? -1]));
  const extra = header
    .map((name, index) => ({ name, index }))
    // pandas writes its index as a leading unnamed column ("" or "Unnamed: 0"): not data.
    .filter(({ name, index }) => !modelColumns.has(index) && !(index === 0 && isIndexColumn(name)) && name !== 'sample_id' && name !== 'prompt' && name !== '');
  const prompt = at('prompt');
  return { sampleId, prompt: prompt >= 0 ? prompt : undefined, models, extra, width: header.length };
}

function isIndexColumn(name: string): boolean {
  return name.trim() === '' || /^Unnamed: ?\d+$/.test(name.trim());
}

function* readRow(record: string[], layout: Layout, file: string, row: number, line: number): Generator<RecordedItem> {
  const where = `row ${row}`;
  if (record.length !== layout.width) {
    yield { ok: false, issue: { file, line, message: `${where} has ${record.length} columns, the header has ${layout.width}` } };
    return;
  }
  const caseId = (record[layout.sampleId] ?? '').trim();
  if (caseId === '') {
    yield { ok: false, issue: { file, line, field: 'sample_id', message: `${where} has no sample_id` } };
    return;
  }
  const metadata: Record<string, unknown> = {};
  for (const { name, index } of layout.extra) {
    const v = record[index];
    if (v !== undefined && v !== '') metadata[name] = v;
  }
  const input = layout.prompt === undefined ? undefined : decodeListText(record[layout.prompt] ?? '');
  const rows: RecordedOutcomeLine[] = [];
  const missing: Array<{ column: string; message: string }> = [];
  for (const m of layout.models) {
    const score = parseNumber(record[m.score]);
    const cost = parseNumber(record[m.cost]);
    if (score === null || score < 0 || score > 1) missing.push({ column: m.name, message: score === null ? `${m.name} has no score` : `${m.name} has score ${score}, outside 0..1` });
    if (cost === null || cost < 0) missing.push({ column: `${m.name}${COST}`, message: cost === null ? `${m.name} has no cost` : `${m.name} has a negative cost` });
    if (score === null || cost === null) continue;
    const response = m.response === undefined ? '' : (record[m.response] ?? '');
    rows.push({ case_id: caseId, model: m.name, input, output: response === '' ? null : decodeListText(response), score, cost_usd: cost, latency_ms: null, status: 200, metadata });
  }
  if (missing.length > 0) {
    yield { ok: false, issue: { file, line, field: missing[0]?.column, message: `${where} (${caseId}): ${missing.map((x) => x.message).join('; ')}` } };
    return;
  }
  for (const r of rows) yield { ok: true, row: r };
}

/** A number as pandas writes it; empty, NaN and None are missing. */
function parseNumber(text: string | undefined): number | null {
  const t = (text ?? '').trim();
  if (t === '' || /^(nan|none|null)$/i.test(t)) return null;
  if (t === 'True') return 1;
  if (t === 'False') return 0;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
