import { describe, expect, it } from 'vitest';
import { ReplyParser } from '../../../src/gateway/reply-parser.js';

/** Feeds `text` in pieces of `step` bytes; returns what the parser reported. */
function read(text: string, step = text.length, close = false) {
  const out = { status: 0, headers: new Map<string, string>() as ReadonlyMap<string, string>, body: '', ended: false };
  const p = new ReplyParser({
    head: (s, h) => Object.assign(out, { status: s, headers: h }),
    data: (c) => (out.body += c.toString('utf8')),
    end: () => (out.ended = true),
  });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += step) p.feed(bytes.subarray(i, i + step));
  if (close) p.close();
  return { ...out, reusable: p.reusable, done: p.done };
}

describe('an upstream reply read from socket bytes', () => {
  const chunked =
    'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '7\r\ndata: a\r\n3;ext=1\r\n\n\nb\r\n0\r\nX-Trailer: t\r\n\r\n';

  it('reads a content-length body and a chunked one the same whatever the packet boundaries', () => {
    const plain = 'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 5\r\nRetry-After: 2\r\nx-a: 1\r\nX-A: 2\r\n\r\nbusy!';
    for (const step of [1, 3, 1000]) {
      expect(read(plain, step)).toMatchObject({
        status: 503,
        headers: new Map([
          ['content-length', '5'],
          ['retry-after', '2'],
          ['x-a', '1, 2'],
        ]),
        body: 'busy!',
        ended: true,
        reusable: true,
      });
      expect(read(chunked, step)).toMatchObject({ status: 200, body: 'data: a\n\nb', ended: true, reusable: true });
    }
  });

  it('skips a 100 Continue head, and does not reuse a connection the reply closes or that has no length', () => {
    expect(read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')).toMatchObject({ status: 200, body: 'ok' });
    expect(read('HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 2\r\n\r\nok')).toMatchObject({ body: 'ok', reusable: false });
    expect(read('HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok')).toMatchObject({ body: 'ok', reusable: false });
    expect(read('HTTP/1.1 200 OK\r\n\r\nuntil the end', 4, true)).toMatchObject({ body: 'until the end', ended: true, reusable: false });
    expect(read('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ status: 204, ended: true, reusable: true });
  });

  it('says what is wrong with a malformed or cut reply', () => {
    expect(() => read('SMTP ready\r\n\r\n')).toThrow(/status line/);
    expect(() => read('HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n')).toThrow(/content-length/);
    expect(() => read('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunk/);
    expect(() => read('HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nshort', 100, true)).toThrow(/middle of the response body/);
    expect(() => read(`HTTP/1.1 200 OK\r\nx: ${'y'.repeat(70_000)}`)).toThrow(/head is larger/);
    expect(() => read(`HTTP/1.1 200 OK\r\nx: ${'y'.repeat(70_000)}\r\n\r\n`)).toThrow(/head is larger/);
    const manyTrailers = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n${'x-t: 1\r\n'.repeat(10_000)}\r\n`;
    expect(() => read(manyTrailers, 1000)).toThrow(/trailers are too long/);
    expect(() => read('HTTP/1.1 200 OK\r\nbad name: 1\r\n\r\n')).toThrow(/no valid name/);
    expect(() => read('HTTP/1.1 200 OK\r\nx-a: 1\r\n folded: 2\r\n\r\n')).toThrow(/no valid name/);
  });

  it('keeps header names from the upstream out of any object, whatever they are', () => {
    const r = read('HTTP/1.1 200 OK\r\n__proto__: x\r\nconstructor: y\r\ncontent-length: 0\r\n\r\n');
    expect(r.headers.get('__proto__')).toBe('x');
    expect(r.headers.get('constructor')).toBe('y');
  });

  it('reads a reply framed two ways by its transfer coding and never reuses its connection', () => {
    const both = 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    expect(read(both)).toMatchObject({ body: 'hello', ended: true, reusable: false });
    // A coding that does not end in chunked: the body runs until the connection closes.
    expect(read('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, gzip\r\n\r\nraw bytes', 4, true)).toMatchObject({
      body: 'raw bytes',
      ended: true,
      reusable: false,
    });
  });
});
