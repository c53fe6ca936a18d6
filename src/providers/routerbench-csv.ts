import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { InputError, type Issue } from '../domain/errors.js';
import { decodeListTextChecked } from './python-literal.js';
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
 * Rows of a sample_id still waiting for their other models (a case split across rows). Bounded: past
 * this many, the oldest waiting case is quarantined, so a hostile file cannot grow memory.
 */
const MAX_WAITING = 10_000;

/**
 * Read RouterBench's wide CSV: one row per case, per model a 0/1 score column, `<m>|model_response`
 * and `<m>|total_cost`. Streams: rows are yielded as they are parsed. A row missing a score or a cost
 * is quarantined whole, with its row and line number; a broken header is an InputError. A case whose
 * models are split across rows (each row leaving the other models' columns empty) is merged; one
 * still incomplete at the end of the file is quarantined with all its row numbers. A cell holding a
 * Python literal that cannot be stored quarantines its row, not the file.
 */
export async function* readRouterbenchCsv(input: Readable, file: string): AsyncGenerator<RecordedItem> {
  const parser = input.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  let layout: Layout | undefined;
  const waiting = new Map<string, CaseRows>();
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
      const parsed = readRow(item.record, layout, file, row, startLine);
      if ('issue' in parsed) {
        yield { ok: false, issue: parsed.issue };
        continue;
      }
      yield* merge(parsed, waiting, layout, file);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const line = e && typeof e === 'object' && 'lines' in e ? Number((e as { lines: unknown }).lines) : undefined;
    throw new InputError(`${file} is not readable CSV`, [{ file, line, message: e instanceof Error ? e.message : String(e) }]);
  }
  if (!layout)
    throw new InputError(
      `${file} is empty: expected a RouterBench header (sample_id, prompt, eval_name, <model>, <model>|model_response, <model>|total_cost)`,
    );
  for (const w of waiting.values()) yield incomplete(w, layout, file);
}

function readHeader(header: string[], file: string): Layout {
  const at = (name: string) => header.indexOf(name);
  const sampleId = at('sample_id');
  if (sampleId < 0)
    throw new InputError(`${file}: the header has no sample_id column`, [
      { file, line: 1, field: 'sample_id', message: 'required column missing' },
    ]);
  const names = new Set<string>();
  for (const h of header) {
    if (h.endsWith(RESPONSE)) names.add(h.slice(0, -RESPONSE.length));
    if (h.endsWith(COST)) names.add(h.slice(0, -COST.length));
  }
  if (names.size === 0)
    throw new InputError(`${file}: no model columns found (expected <model>|total_cost and <model>|model_response)`, [
      { file, line: 1, message: 'no model columns' },
    ]);
  const issues = [];
  const models: Layout['models'] = [];
  for (const name of names) {
    const score = at(name);
    const cost = at(`${name}${COST}`);
    if (score < 0) issues.push({ file, line: 1, field: name, message: `model "${name}" has no score column named "${name}"` });
    if (cost < 0) issues.push({ file, line: 1, field: `${name}${COST}`, message: `model "${name}" has no cost column` });
    if (score >= 0 && cost >= 0)
      models.push({ name, score, cost, response: at(`${name}${RESPONSE}`) >= 0 ? at(`${name}${RESPONSE}`) : undefined });
  }
  if (issues.length > 0) throw new InputError(`${file}: the header does not have the RouterBench layout`, issues);
  const modelColumns = new Set(models.flatMap((m) => [m.score, m.cost, m.response ?? -1]));
  const extra = header
    .map((name, index) => ({ name, index }))
    // pandas writes its index as a leading unnamed column ("" or "Unnamed: 0"): not data.
    .filter(
      ({ name, index }) =>
        !modelColumns.has(index) && !(index === 0 && isIndexColumn(name)) && name !== 'sample_id' && name !== 'prompt' && name !== '',
    );
  const prompt = at('prompt');
  return { sampleId, prompt: prompt >= 0 ? prompt : undefined, models, extra, width: header.length };
}

function isIndexColumn(name: string): boolean {
  return name.trim() === '' || /^Unnamed: ?\d+$/.test(name.trim());
}

/** One model's cells in one row; absent when the row leaves all three empty (its case is split). */
interface ModelCells {
  score: number;
  cost: number;
  output: string | null;
}

/** A case's rows read so far: per model its cells (undefined while no row gave them). */
interface CaseRows {
  caseId: string;
  rows: number[];
  line: number;
  input: string | undefined;
  metadata: Record<string, unknown>;
  models: Array<ModelCells | undefined>;
}

function readRow(record: string[], layout: Layout, file: string, row: number, line: number): CaseRows | { issue: Issue } {
  const where = `row ${row}`;
  if (record.length !== layout.width)
    return { issue: { file, line, message: `${where} has ${record.length} columns, the header has ${layout.width}` } };
  const caseId = (record[layout.sampleId] ?? '').trim();
  if (caseId === '') return { issue: { file, line, field: 'sample_id', message: `${where} has no sample_id` } };
  const metadata: Record<string, unknown> = {};
  for (const { name, index } of layout.extra) {
    const v = record[index];
    if (v !== undefined && v !== '') metadata[name] = v;
  }
  let input: string | undefined = layout.prompt === undefined ? undefined : '';
  if (layout.prompt !== undefined && (record[layout.prompt] ?? '') !== '') {
    const decoded = decodeListTextChecked(record[layout.prompt] ?? '');
    if ('error' in decoded) return { issue: { file, line, field: 'prompt', message: `${where} (${caseId}): the prompt ${decoded.error}` } };
    input = decoded.value;
  }
  const models: Array<ModelCells | undefined> = [];
  const missing: Array<{ column: string; message: string }> = [];
  for (const m of layout.models) {
    const responseText = m.response === undefined ? '' : (record[m.response] ?? '');
    if (blank(record[m.score]) && blank(record[m.cost]) && responseText === '') {
      models.push(undefined);
      continue;
    }
    const score = parseNumber(record[m.score]);
    const cost = parseNumber(record[m.cost]);
    if (score === null || score < 0 || score > 1)
      missing.push({ column: m.name, message: score === null ? `${m.name} has no score` : `${m.name} has score ${score}, outside 0..1` });
    if (cost === null || cost < 0)
      missing.push({ column: `${m.name}${COST}`, message: cost === null ? `${m.name} has no cost` : `${m.name} has a negative cost` });
    let output: string | null = null;
    if (responseText !== '') {
      const decoded = decodeListTextChecked(responseText);
      if ('error' in decoded) missing.push({ column: `${m.name}${RESPONSE}`, message: `${m.name}'s response ${decoded.error}` });
      else output = decoded.value;
    }
    models.push(score === null || cost === null ? undefined : { score, cost, output });
  }
  if (missing.length > 0)
    return {
      issue: { file, line, field: missing[0]?.column, message: `${where} (${caseId}): ${missing.map((x) => x.message).join('; ')}` },
    };
  return { caseId, rows: [row], line, input, metadata, models };
}

const blank = (text: string | undefined) => (text ?? '').trim() === '';

/** Yield the case once every model has its cells, merging the rows of a case split across rows. */
function* merge(parsed: CaseRows, waiting: Map<string, CaseRows>, layout: Layout, file: string): Generator<RecordedItem> {
  const earlier = waiting.get(parsed.caseId);
  let rows = parsed;
  if (earlier) {
    const clash = layout.models.find(
      (m, i) => earlier.models[i] !== undefined && parsed.models[i] !== undefined && !sameCells(earlier.models[i], parsed.models[i]),
    );
    if (clash) {
      yield {
        ok: false,
        issue: {
          file,
          line: parsed.line,
          field: clash.name,
          message: `row ${parsed.rows[0]} (${parsed.caseId}): ${clash.name} was already given other values by row ${earlier.rows.join(', ')}`,
        },
      };
      return;
    }
    rows = {
      ...earlier,
      rows: [...earlier.rows, ...parsed.rows],
      input: earlier.input || parsed.input,
      metadata: { ...parsed.metadata, ...earlier.metadata },
      models: earlier.models.map((c, i) => c ?? parsed.models[i]),
    };
    waiting.delete(parsed.caseId);
  }
  if (rows.models.some((c) => c === undefined)) {
    waiting.set(rows.caseId, rows);
    if (waiting.size > MAX_WAITING) {
      const [oldest] = waiting.values();
      if (oldest) {
        waiting.delete(oldest.caseId);
        yield incomplete(oldest, layout, file);
      }
    }
    return;
  }
  for (const [i, m] of layout.models.entries()) {
    const c = rows.models[i] as ModelCells;
    yield {
      ok: true,
      row: {
        case_id: rows.caseId,
        model: m.name,
        input: rows.input,
        output: c.output,
        score: c.score,
        cost_usd: c.cost,
        latency_ms: null,
        status: 200,
        metadata: rows.metadata,
      },
    };
  }
}

const sameCells = (a: ModelCells | undefined, b: ModelCells | undefined) =>
  a?.score === b?.score && a?.cost === b?.cost && a?.output === b?.output;

function incomplete(w: CaseRows, layout: Layout, file: string): RecordedItem {
  const absent = layout.models.filter((_, i) => w.models[i] === undefined);
  const where = w.rows.length === 1 ? `row ${w.rows[0]}` : `rows ${w.rows.join(', ')}`;
  return {
    ok: false,
    issue: {
      file,
      line: w.line,
      field: absent[0]?.name,
      message: `${where} (${w.caseId}): ${absent.map((m) => `${m.name} has no score`).join('; ')}`,
    },
  };
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
