import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpPool, requestHead, type RawExchange } from '../../../src/gateway/raw-http.js';

/** A TCP server that answers each request with whatever `answer` writes on the socket. */
async function tcpServer(answer: (socket: net.Socket, request: string, n: number) => void) {
  const sockets = new Set<net.Socket>();
  let n = 0;
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let seen = '';
    s.on('data', (d) => {
      seen += String(d);
      const end = seen.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
      if (end < 0 || seen.length < end + 4 + length) return;
      const request = seen.slice(0, end + 4 + length);
      seen = seen.slice(request.length);
      answer(s, request, n++);
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => sockets.size,
    accepted: () => accepted,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

function call(pool: RawHttpPool, port: number, body = '{}') {
  return new Promise<{ status: number; body: string; error?: string }>((resolve) => {
    let status = 0;
    let text = '';
    const x: RawExchange = {
      head: (s) => (status = s),
      data: (c) => (text += String(c)),
      end: () => resolve({ status, body: text }),
      error: (e) => resolve({ status, body: text, error: e.message }),
    };
    pool.post(
      '127.0.0.1',
      port,
      requestHead('/v1/chat/completions', `127.0.0.1:${port}`, { 'content-type': 'application/json' }, body.length),
      body,
      x,
    );
  });
}

describe('raw keep-alive POSTs to a plain-http upstream', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('reuses one connection for replies that allow it, opens another after connection: close', async () => {
    const server = await tcpServer((s, req, n) => {
      expect(req).toMatch(
        /^POST \/v1\/chat\/completions HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\ncontent-type: application\/json\r\ncontent-length: 2\r\n\r\n\{\}$/,
      );
      const close = n === 2;
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\n${close ? 'connection: close\r\n' : ''}\r\nr${n}`);
      if (close) s.end();
    });
    const pool = new RawHttpPool();
    cleanup.push(
      () => pool.destroy(),
      () => server.close(),
    );
    for (let i = 0; i < 5; i++) expect(await call(pool, server.port)).toEqual({ status: 200, body: `r${i}` });
    expect(server.accepted()).toBe(2);
    await expect.poll(() => server.connections()).toBe(1);
  });

  it('streams a chunked reply as it comes; a cut reply or a refused connection is an error, not an answer', async () => {
    const server = await tcpServer((s, _req, n) => {
      if (n === 0) s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
      else s.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf');
    });
    const pool = new RawHttpPool();
    cleanup.push(
      () => pool.destroy(),
      () => server.close(),
    );
    expect(await call(pool, server.port)).toEqual({ status: 200, body: 'hello' });
    expect(await call(pool, server.port)).toMatchObject({
      status: 200,
      body: 'half',
      error: expect.stringMatching(/middle of the response body/),
    });
    const closed = await tcpServer(() => {});
    await closed.close();
    expect((await call(pool, closed.port)).error).toMatch(/ECONNREFUSED/);
  });

  it('a pooled connection the upstream closed while idle is dropped, and the next request opens a new one', async () => {
    const server = await tcpServer((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      setImmediate(() => s.end()); // an idle timeout on the upstream's side
    });
    const pool = new RawHttpPool();
    cleanup.push(
      () => pool.destroy(),
      () => server.close(),
    );
    expect(await call(pool, server.port)).toEqual({ status: 200, body: 'ok' });
    await expect.poll(() => server.connections()).toBe(0);
    expect(await call(pool, server.port)).toEqual({ status: 200, body: 'ok' });
  });

  it('closes an idle connection before the keep-alive timeout the upstream announced', async () => {
    const server = await tcpServer((s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nKeep-Alive: timeout=1\r\n\r\nok'));
    const pool = new RawHttpPool();
    cleanup.push(
      () => pool.destroy(),
      () => server.close(),
    );
    expect(await call(pool, server.port)).toEqual({ status: 200, body: 'ok' });
    await expect.poll(() => server.connections()).toBe(0);
    expect(await call(pool, server.port)).toEqual({ status: 200, body: 'ok' });
    expect(server.accepted()).toBe(2);
  });

  it('never writes a header that would split the request head', () => {
    expect(() => requestHead('/p', 'h', { 'x-evil': 'a\r\nx-injected: 1' }, 0)).toThrow(/cannot be sent/);
    expect(() => requestHead('/p', 'h', { 'bad name': 'v' }, 0)).toThrow(/cannot be sent/);
  });
});
