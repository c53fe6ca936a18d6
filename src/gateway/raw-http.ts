import net from 'node:net';
import { ReplyParser, type ReplyEvents } from './reply-parser.js';

/**
 * POSTs to plain-http upstreams over pooled keep-alive sockets, without node:http's client: the
 * request goes out as one write (request line, headers, body) and the reply is read by
 * ReplyParser. node:http's ClientRequest, agent and response stream were about a third of a bare
 * proxy's CPU per request (test/bench/gateway-raw-child.mjs). A socket goes back to the pool only
 * after a complete reply that allows it; anything unexpected destroys it. TLS upstreams still go
 * through node:https (upstream-post.ts).
 */
export interface RawExchange extends ReplyEvents {
  /** The connection failed or closed before the reply was complete. */
  error(e: Error): void;
}

/** Header names and values that could not be sent as they are (a CR or LF would split the head). */
const BAD_NAME = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const BAD_VALUE = /[\r\n\0]/;

export function requestHead(path: string, host: string, headers: Record<string, string>, length: number): string {
  let head = `POST ${path} HTTP/1.1\r\n`;
  if (headers.host === undefined) head += `host: ${host}\r\n`;
  for (const k in headers) {
    if (k === 'content-length') continue;
    const v = headers[k] as string;
    if (BAD_NAME.test(k) || BAD_VALUE.test(v)) throw new Error(`the header ${JSON.stringify(k)} cannot be sent (invalid characters)`);
    head += `${k}: ${v}\r\n`;
  }
  return `${head}content-length: ${length}\r\n\r\n`;
}

interface Conn {
  socket: net.Socket;
  /** How long the upstream keeps an idle connection (its Keep-Alive timeout, less a second), if it said. */
  idleMs: number;
  /** The exchange this socket carries now; null while it waits in the pool. */
  current: { parser: ReplyParser; x: RawExchange } | null;
}

export class RawHttpPool {
  private readonly free = new Map<string, Conn[]>();

  constructor(private readonly maxFreePerHost = 256) {}

  /** Sends one request; returns how to abandon it (the socket is destroyed, never reused). */
  post(hostname: string, port: number, head: string, body: string, x: RawExchange): () => void {
    const key = `${hostname}:${port}`;
    const conn = this.free.get(key)?.pop() ?? this.connect(hostname, port);
    const parser = new ReplyParser({
      head: (s, h) => {
        conn.idleMs = keepAliveMs(h.get('keep-alive'));
        x.head(s, h);
      },
      data: (c) => x.data(c),
      end: () => {
        conn.current = null;
        if (parser.reusable) this.release(key, conn);
        else conn.socket.destroy();
        x.end();
      },
    });
    conn.current = { parser, x };
    conn.socket.ref(); // a pooled socket does not keep the process alive; one in use does
    if (conn.idleMs > 0) conn.socket.setTimeout(0);
    conn.socket.write(head + body);
    return () => {
      conn.current = null;
      conn.socket.destroy();
    };
  }

  destroy(): void {
    for (const list of this.free.values()) for (const c of list) c.socket.destroy();
    this.free.clear();
  }

  private connect(hostname: string, port: number): Conn {
    const socket = net.connect({ host: hostname, port, noDelay: true, keepAlive: true });
    const conn: Conn = { socket, idleMs: 0, current: null };
    // Idle past the upstream's own keep-alive timeout: closed here first, so no request races its close.
    socket.on('timeout', () => socket.destroy());
    socket.on('data', (d: Buffer) => {
      const cur = conn.current;
      if (!cur) return void socket.destroy(); // bytes nobody asked for: the socket is not trusted again
      try {
        cur.parser.feed(d);
      } catch (e) {
        conn.current = null;
        socket.destroy();
        cur.x.error(e as Error);
      }
    });
    const ended = (e?: Error) => {
      const cur = conn.current;
      conn.current = null;
      this.forget(conn);
      if (!cur) return;
      try {
        if (e) throw e;
        cur.parser.close();
      } catch (err) {
        cur.x.error(err as Error);
      }
    };
    socket.on('error', (e) => ended(e));
    socket.on('end', () => {
      socket.destroy();
      ended();
    });
    socket.on('close', () => ended());
    return conn;
  }

  private release(key: string, conn: Conn): void {
    if (conn.socket.destroyed) return;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    if (list.length >= this.maxFreePerHost) return void conn.socket.destroy();
    conn.socket.unref();
    if (conn.idleMs > 0) conn.socket.setTimeout(conn.idleMs);
    list.push(conn);
  }

  private forget(conn: Conn): void {
    for (const list of this.free.values()) {
      const i = list.indexOf(conn);
      if (i >= 0) list.splice(i, 1);
    }
  }
}

/** `Keep-Alive: timeout=5` → 4000 (a second of margin, as node:http's agent keeps); 0 when absent. */
function keepAliveMs(header: string | undefined): number {
  const m = header ? /timeout=(\d{1,6})/i.exec(header) : null;
  return m ? Math.max(0.5, Number(m[1]) - 1) * 1000 : 0;
}
