/**
 * The POST of upstream-post.ts over undici's pools (plain http): `pool.dispatch` with a callback
 * handler, so no Response, stream or promise of undici's own per request. undici's llhttp parser
 * reads the upstream's reply (head ≤ 64 KiB, body ≤ MAX_RESPONSE); only the headers the classifier
 * reads are kept, under names of ours, so a name from the upstream never becomes an object key.
 */
import { Pool, type Dispatcher } from 'undici';
import { describeNetworkError } from '../providers/http-transport.js';
import type { Reply, Target } from './upstream-post.js';
import type { UpstreamCallOptions } from './upstream.js';

export const MAX_RESPONSE = 32 * 1024 * 1024;
const MAX_HEAD = 64 * 1024;

/** The reply headers anything downstream reads (classify-response.ts, upstream.ts). */
const KEPT = ['content-type', 'retry-after', 'retry-after-ms', 'x-routelab-latency-ms'] as const;
type Kept = (typeof KEPT)[number];
const KEPT_BY_NAME = new Map<string, Kept>(KEPT.map((k) => [k, k]));

/** One keep-alive pool per upstream origin. */
export class UndiciPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connections = 1024) {}

  get(target: Target): Pool {
    const origin = `http://${target.host}`;
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.connections,
        pipelining: 1,
        maxHeaderSize: MAX_HEAD,
        maxResponseSize: MAX_RESPONSE,
        // The call's own deadline (a timer here) bounds the wait; undici's defaults would cut at 300 s.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { noDelay: true, keepAlive: true, host: target.hostname, port: Number(target.port || 80) },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async destroy(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }
}

/** Headers as undici's flat list, content-length left to undici (it counts the body). */
function headerList(headers: Record<string, string>): string[] {
  const list: string[] = [];
  for (const k in headers) if (k !== 'content-length') list.push(k, headers[k] as string);
  return list;
}

function keptHeaders(raw: Buffer[]): Record<string, string | undefined> {
  const out = Object.create(null) as Record<string, string | undefined>;
  for (let i = 0; i < raw.length; i += 2) {
    const name = KEPT_BY_NAME.get(String(raw[i]).toLowerCase());
    if (name) out[name] = out[name] === undefined ? String(raw[i + 1]) : `${out[name]}, ${String(raw[i + 1])}`;
  }
  return out;
}

export function undiciPost(
  pools: UndiciPools,
  target: Target,
  headers: Record<string, string>,
  body: string,
  o: UpstreamCallOptions,
  model: string,
): Promise<Reply> {
  return new Promise<Reply>((resolve) => {
    let settled = false;
    let why: 'timeout' | 'cancelled' | null = null;
    let abort: ((e?: Error) => void) | null = null;
    const settle = (r: Reply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.cancel.set(null);
      resolve(r);
    };
    const stop = (kind: 'timeout' | 'cancelled') => {
      why = kind;
      abort?.(new Error(kind));
      settle({ kind });
    };
    const timer = setTimeout(() => stop('timeout'), o.deadlineMs);
    o.cancel.set(() => stop('cancelled'));
    let status = 0;
    let replyHeaders: Record<string, string | undefined> = {};
    let sink: UpstreamCallOptions['sink'];
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      onConnect: (a) => {
        abort = a;
        if (why) a(new Error(why));
      },
      onHeaders: (s, raw) => {
        status = s;
        replyHeaders = keptHeaders(raw);
        const streamed = s >= 200 && s < 300 && (replyHeaders['content-type'] ?? '').toLowerCase().startsWith('text/event-stream');
        sink = streamed ? o.sink : undefined;
        return true;
      },
      onData: (c) => {
        chunks.push(c);
        if (sink) {
          if (!sink.opened) sink.open(model);
          sink.write(c);
        }
        return true;
      },
      onComplete: () =>
        settle({
          kind: 'reply',
          status,
          headers: replyHeaders,
          body: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
        }),
      onError: (e) => {
        if (why) return settle({ kind: why });
        settle({ kind: 'network', message: networkMessage(e, status !== 0) });
      },
    };
    pools.get(target).dispatch({ path: target.path, method: 'POST', headers: headerList(headers), body }, handler);
  });
}

/** undici's errors in the words raw-http and node:http used. */
function networkMessage(e: Error, answering: boolean): string {
  const code = (e as { code?: unknown }).code;
  switch (code) {
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return `the response is larger than ${MAX_RESPONSE} bytes`;
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `the response head is larger than ${MAX_HEAD} bytes`;
    case 'UND_ERR_SOCKET':
      return answering ? 'the connection closed in the middle of the response body' : describeNetworkError('ECONNRESET', e);
    case 'UND_ERR_INVALID_ARG':
      return e.message;
    default:
      return describeNetworkError(typeof code === 'string' ? code : '', e);
  }
}
