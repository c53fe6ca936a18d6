/**
 * An HTTP/1.1 response read from a socket's bytes (raw-http.ts): status line, headers, then a body
 * framed by content-length, chunked transfer coding, or the connection's end. Informational (1xx)
 * heads are skipped. Body bytes are handed on as they arrive (de-chunked), so a stream reaches its
 * sink event by event. Limits: 64 KiB of head, a chunk-size line of 1 KiB; past them the reply is
 * malformed and the connection is not reused. Header names are the upstream's (untrusted until
 * parsed): they must be tokens, and are collected in a Map, never as keys of an object. A reply
 * framed two ways (transfer-encoding and content-length) is read by its transfer coding, as RFC 9112
 * says, and its connection is not reused; a transfer coding that does not end in chunked runs to close.
 */
export interface ReplyEvents {
  head(status: number, headers: ReadonlyMap<string, string>): void;
  data(chunk: Buffer): void;
  end(): void;
}

const MAX_HEAD = 64 * 1024;
const MAX_LINE = 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

type State = 'head' | 'length' | 'size' | 'data' | 'data-crlf' | 'trailers' | 'close' | 'done';

export class ReplyParser {
  private state: State = 'head';
  private pending: Buffer | null = null;
  private remaining = 0;
  private trailerBytes = 0;
  /** Whether the connection can carry another request once this reply is done. */
  reusable = true;

  constructor(private readonly on: ReplyEvents) {}

  get done(): boolean {
    return this.state === 'done';
  }

  /** Whether the end of the connection ends this reply (a body that runs until close). */
  get endsAtClose(): boolean {
    return this.state === 'close';
  }

  /** Feeds bytes; throws an Error naming what is malformed. */
  feed(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (buf.length > 0 && this.state !== 'done') {
      const used = this.step(buf);
      if (used < 0) {
        this.pending = buf; // needs more bytes
        return;
      }
      buf = buf.subarray(used);
    }
    if (buf.length > 0) this.reusable = false; // bytes after the reply: never reuse
  }

  /** The connection ended. */
  close(): void {
    if (this.state !== 'close') throw new Error('the connection closed in the middle of the response body');
    this.state = 'done';
    this.on.end();
  }

  /** Consumes a prefix of `buf`; -1 when it needs more bytes to make progress. */
  private step(buf: Buffer): number {
    switch (this.state) {
      case 'head':
        return this.readHead(buf);
      case 'length':
      case 'data': {
        const n = Math.min(this.remaining, buf.length);
        this.on.data(buf.subarray(0, n));
        this.remaining -= n;
        if (this.remaining === 0) this.finishPart();
        return n;
      }
      case 'close':
        this.on.data(buf);
        return buf.length;
      case 'data-crlf':
        if (buf.length < 2) return -1;
        if (buf[0] !== 13 || buf[1] !== 10) throw new Error('a chunk of the response body does not end with CRLF');
        this.state = 'size';
        return 2;
      case 'size':
        return this.readSize(buf);
      case 'trailers':
        return this.readTrailer(buf);
      default:
        return buf.length;
    }
  }

  private readHead(buf: Buffer): number {
    const end = buf.indexOf(HEAD_END);
    // Also when the whole head came in one read: the limit is on the head, not on what is pending.
    if (end > MAX_HEAD || (end < 0 && buf.length > MAX_HEAD)) throw new Error(`the response head is larger than ${MAX_HEAD} bytes`);
    if (end < 0) return -1;
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new Error('the response does not start with an HTTP/1.x status line');
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return end + 4; // 100 Continue and the like: the real head follows
    const headers = readHeaders(lines);
    const connection = (headers.get('connection') ?? '').toLowerCase();
    if (connection.includes('close') || (m[1] === '0' && !connection.includes('keep-alive'))) this.reusable = false;
    this.on.head(status, headers);
    this.frame(status, headers.get('transfer-encoding'), headers.get('content-length'));
    return end + 4;
  }

  /** How the body is delimited (RFC 9112 §6.3). */
  private frame(status: number, coding: string | undefined, length: string | undefined): void {
    if (status === 204 || status === 304) return this.finish();
    if (coding !== undefined) {
      if (length !== undefined) this.reusable = false; // framed two ways: never trust the connection again
      if (
        coding
          .slice(coding.lastIndexOf(',') + 1)
          .trim()
          .toLowerCase() === 'chunked'
      )
        return void (this.state = 'size');
      this.state = 'close';
      this.reusable = false;
      return;
    }
    if (length !== undefined) {
      const n = /^\d{1,15}$/.test(length) ? Number(length) : NaN;
      if (!Number.isFinite(n)) throw new Error('the response has an invalid content-length');
      this.remaining = n;
      this.state = 'length';
      if (n === 0) this.finish();
      return;
    }
    this.state = 'close';
    this.reusable = false;
  }

  private readSize(buf: Buffer): number {
    const eol = buf.indexOf(CRLF);
    if (eol < 0) {
      if (buf.length > MAX_LINE) throw new Error('a chunk-size line of the response is too long');
      return -1;
    }
    const text = buf.toString('latin1', 0, eol).split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(text)) throw new Error('a chunk of the response has an invalid size');
    this.remaining = parseInt(text, 16);
    this.state = this.remaining === 0 ? 'trailers' : 'data';
    return eol + 2;
  }

  private readTrailer(buf: Buffer): number {
    const eol = buf.indexOf(CRLF);
    this.trailerBytes += eol < 0 ? 0 : eol + 2;
    if (this.trailerBytes > MAX_HEAD || (eol < 0 && buf.length > MAX_HEAD)) throw new Error('the response trailers are too long');
    if (eol < 0) return -1;
    if (eol === 0) this.finish(); // the empty line after the last chunk (and any trailers)
    return eol + 2;
  }

  private finishPart(): void {
    if (this.state === 'data') this.state = 'data-crlf';
    else this.finish();
  }

  private finish(): void {
    this.state = 'done';
    this.on.end();
  }
}

/** Header lines (after the status line) into a Map of lower-case names; repeated names joined by ", ". */
function readHeaders(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new Error('a response header line has no valid name');
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(key);
    headers.set(key, before === undefined ? value : `${before}, ${value}`);
  }
  return headers;
}
