import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';

/** A line (or array element) over this is quarantined without being held in memory. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;
/** A whole-file JSON document (one OTLP export) must fit in memory; this bounds it. */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

/** One input value with where it started, or the reason it could not be read. */
export type SourceItem = { line: number; value: unknown; raw: Buffer } | { line: number; reason: string };

/** How the file is laid out: one value per line, one top-level array, or pretty-printed documents. */
export type Layout = 'jsonl' | 'array' | 'document';

export interface SourceProgress {
  /** Bytes read so far from this file. */
  bytes: number;
}

const NL = 0x0a;
const CHUNK = 1024 * 1024;

/**
 * Stream the values of a file. Memory stays flat: a chunk at a time, and a line is only held whole
 * while it is under MAX_LINE_BYTES. Every byte-level problem (NUL, invalid UTF-8, oversize,
 * truncation, not JSON) becomes an item with a reason instead of stopping the stream.
 */
export async function* readValues(path: string, progress: SourceProgress = { bytes: 0 }): AsyncGenerator<SourceItem> {
  for await (const items of readRawBatches(path, progress)) for (const raw of items) yield decode(raw);
}

/**
 * readValues a chunk of the file at a time, undecoded: the values each chunk read completes come
 * as one array, so a big import pays for one asynchronous step per megabyte instead of one per
 * line, and parses each value (`decode`) only when it gets to it.
 */
export async function* readRawBatches(path: string, progress: SourceProgress = { bytes: 0 }): AsyncGenerator<RawItem[]> {
  const layout = await sniffLayout(path);
  const chunks = countBytes(createReadStream(path, { highWaterMark: CHUNK }), progress);
  yield* layout === 'jsonl' ? splitLines(chunks) : splitValues(chunks, layout === 'array');
}

async function* countBytes(stream: AsyncIterable<Buffer>, progress: SourceProgress): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    progress.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * A file whose first character is `[` is an array. Otherwise it is JSONL when its first or second
 * line is a JSON value on its own, and a pretty-printed document when neither is (a truncated first
 * line followed by good lines is still JSONL, so it is quarantined rather than swallowing the file).
 */
export async function sniffLayout(path: string): Promise<Layout> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = stripBom(buf.subarray(0, bytesRead).toString('utf8'));
    const start = text.search(/\S/);
    if (start < 0) return 'jsonl';
    if (text[start] === '[') return 'array';
    const lines = text.slice(start).split('\n', 3);
    if (lines.length < 2 || bytesRead === buf.length) return 'jsonl';
    const parses = (s: string | undefined) => {
      if (s === undefined || s.trim() === '') return true;
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    return parses(lines[0]) || parses(lines[1]) ? 'jsonl' : 'document';
  } finally {
    await handle.close();
  }
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/** A value's bytes as split from the file, not parsed yet. */
export interface RawItem {
  line: number;
  buf: Buffer | null;
  /** Set when the item was dropped for its size or for ending early. */
  problem?: string;
}

/** The lines of each chunk read, as one array (possibly empty). */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawItem[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let oversize = false;
  let line = 0;
  const finish = (): RawItem | null => {
    line++;
    const item: RawItem = oversize
      ? { line, buf: null, problem: `line is over ${MAX_LINE_BYTES / 1024 / 1024} MB` }
      : { line, buf: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size) };
    parts = [];
    size = 0;
    oversize = false;
    return item;
  };
  for await (const chunk of chunks) {
    const out: RawItem[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(NL, from); nl !== -1; nl = chunk.indexOf(NL, from)) {
      // CRLF files: the CR is not part of the line (so the raw-line id matches the LF file's).
      append(chunk.subarray(from, nl > from && chunk[nl - 1] === 0x0d ? nl - 1 : nl));
      const item = finish();
      if (item && !isBlank(item.buf)) out.push(item);
      from = nl + 1;
    }
    if (from < chunk.length) append(chunk.subarray(from));
    yield out;
  }
  if (size > 0 || oversize) {
    const item = finish();
    if (item && !isBlank(item.buf)) yield [item];
  }

  function append(piece: Buffer) {
    if (oversize) return;
    if (size + piece.length > MAX_LINE_BYTES) {
      oversize = true;
      parts = [];
      size = 0;
      return;
    }
    if (piece.length) {
      parts.push(piece);
      size += piece.length;
    }
  }
}

function isBlank(buf: Buffer | null): boolean {
  if (!buf) return false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/**
 * Split a top-level array into its elements, the ones each chunk completes as one array (or a file into its concatenated documents) without
 * parsing: track strings, escapes and nesting depth byte by byte. Each item starts at its line.
 */
async function* splitValues(chunks: AsyncIterable<Buffer>, unwrapArray: boolean): AsyncGenerator<RawItem[]> {
  const limit = unwrapArray ? MAX_LINE_BYTES : MAX_DOCUMENT_BYTES;
  const base = unwrapArray ? 1 : 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let opened = !unwrapArray;
  let parts: Buffer[] = [];
  let size = 0;
  let itemLine = 0;
  let inItem = false;
  let oversize = false;
  let closed = false;

  const take = (): RawItem => {
    const item: RawItem = oversize
      ? { line: itemLine, buf: null, problem: `value is over ${limit / 1024 / 1024} MB` }
      : { line: itemLine, buf: Buffer.concat(parts, size) };
    parts = [];
    size = 0;
    inItem = false;
    oversize = false;
    return item;
  };
  const keep = (piece: Buffer) => {
    if (oversize) return;
    if (size + piece.length > limit) {
      oversize = true;
      parts = [];
      size = 0;
    } else {
      parts.push(piece);
      size += piece.length;
    }
  };

  for await (const chunk of chunks) {
    const out: RawItem[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (c === NL) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (
        c === 0x20 ||
        c === 0x09 ||
        c === 0x0d ||
        c === NL ||
        (c === 0xef && !opened) ||
        (c === 0xbb && !opened) ||
        (c === 0xbf && !opened)
      )
        continue;
      if (!opened) {
        if (c === 0x5b) {
          opened = true;
          depth = 1;
          continue;
        }
        out.push({ line, buf: null, problem: 'not a JSON array' });
        yield out;
        return;
      }
      if (closed) {
        out.push({ line, buf: null, problem: 'content after the end of the JSON array' });
        yield out;
        return;
      }
      if (!inItem) {
        if (unwrapArray && depth === base && c === 0x2c) continue;
        if (unwrapArray && depth === base && c === 0x5d) {
          closed = true;
          depth = 0;
          continue;
        }
        inItem = true;
        itemLine = line;
        start = i;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth < base) {
          // `]` closing the array right after a scalar element.
          keep(chunk.subarray(start, i));
          out.push(take());
          closed = true;
          depth = 0;
          continue;
        }
        if (depth === base) {
          keep(chunk.subarray(start, i + 1));
          out.push(take());
          continue;
        }
      } else if (c === 0x2c && depth === base && unwrapArray) {
        keep(chunk.subarray(start, i));
        out.push(take());
        continue;
      }
    }
    if (inItem) keep(chunk.subarray(start));
    yield out;
  }
  if (inItem) {
    const item = take();
    yield [{ line: item.line, buf: null, problem: item.problem ?? 'truncated: the file ends inside a JSON value' }];
  } else if (unwrapArray && opened && !closed) {
    yield [{ line, buf: null, problem: 'truncated: the JSON array is never closed' }];
  }
}

/** Bytes → a parsed value, or why not. Parser messages are not kept: they quote the input. */
const NUL_REASON = 'contains a NUL byte';

export function decode(raw: RawItem): SourceItem {
  const { line, buf } = raw;
  if (raw.problem || !buf) return { line, reason: raw.problem ?? 'unreadable' };
  // A raw NUL byte is never valid JSON, so it is looked for only once a line fails.
  if (!isUtf8(buf)) return { line, reason: buf.indexOf(0) !== -1 ? NUL_REASON : 'not valid UTF-8' };
  let text = buf.toString('utf8');
  if (line === 1) text = stripBom(text);
  try {
    return { line, value: JSON.parse(text) as unknown, raw: buf };
  } catch (e) {
    return { line, reason: buf.indexOf(0) !== -1 ? NUL_REASON : jsonReason(text, e) };
  }
}

function jsonReason(text: string, e: unknown): string {
  const t = text.trim();
  if ((t.startsWith('{') || t.startsWith('[')) && !(t.endsWith('}') || t.endsWith(']'))) {
    return 'truncated JSON (the line ends before the value does)';
  }
  const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  return at ? `not valid JSON (syntax error at character ${Number(at[1]) + 1})` : 'not valid JSON';
}
