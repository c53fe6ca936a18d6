/**
 * One POST to an OpenAI-wire upstream over pooled keep-alive connections: raw sockets for http:
 * (raw-http.ts), node:https's agent for TLS (upstream.ts decides what to send and classifies what
 * comes back). No AbortController: a deadline is a timer that destroys the socket, a client that
 * goes away cancels through the call's CancelScope.
 */
import http from 'node:http';
import https from 'node:https';
import { describeNetworkError } from '../providers/http-transport.js';
import { requestHead, type RawHttpPool } from './raw-http.js';
import type { UpstreamCallOptions } from './upstream.js';

const MAX_RESPONSE = 32 * 1024 * 1024;

export type Reply =
  | { kind: 'reply'; status: number; headers: Record<string, string | undefined>; body: string }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'network'; message: string };

/** Where a POST goes, resolved once per URL. */
export interface Target {
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
  /** The Host header node:http would send (it adds none when the headers come as a list). */
  host: string;
}

export function targetFor(url: URL): Target {
  const secure = url.protocol === 'https:';
  const defaultPort = secure ? '443' : '80';
  return {
    secure,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    host: url.port && url.port !== defaultPort ? `${url.hostname}:${url.port}` : url.hostname,
  };
}

/**
 * One POST. A 2xx `text/event-stream` reply with a sink is written to the sink as it arrives (and
 * kept, to be classified at its end); anything else is read whole. Never rejects.
 */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
  /** Plain-http upstreams (raw-http.ts); null: they go through node:http too. */
  raw: RawHttpPool | null;
}

export function post(
  target: Target,
  headers: Record<string, string>,
  body: string,
  o: UpstreamCallOptions,
  agents: Agents,
  model: string,
): Promise<Reply> {
  if (!target.secure && agents.raw) return rawPost(agents.raw, target, headers, body, o, model);
  return new Promise<Reply>((resolve) => {
    const x = exchange(o, model, resolve);
    const secure = target.secure;
    // Headers as a flat list: node:http stores them as they are instead of one setHeader (name
    // checks, lower-casing, a header map) per header, then the same checks again when it writes them.
    const list: string[] = headers.host === undefined ? ['host', target.host] : [];
    for (const k in headers) if (k !== 'content-length') list.push(k, headers[k] as string);
    list.push('content-length', String(Buffer.byteLength(body)));
    const req = (secure ? https : http).request({
      protocol: secure ? 'https:' : 'http:',
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: 'POST',
      headers: list,
      agent: secure ? agents.https : agents.http,
    });
    x.start(() => req.destroy());
    req.on('error', (e) => x.failed(e));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      x.head(status, String(res.headers['content-type'] ?? ''));
      res.on('data', (c: Buffer) => x.data(c));
      res.on('error', () => {});
      res.on('close', () => {
        if (x.why) return x.settle({ kind: x.why });
        if (!res.complete) return x.settle({ kind: 'network', message: 'the connection closed in the middle of the response body' });
        x.reply(status, flatHeaders(res.headers));
      });
    });
    req.end(body);
  });
}

/** The same POST over a pooled raw socket (plain http): the same reading, deadline, cancel and stream. */
function rawPost(
  pool: RawHttpPool,
  target: Target,
  headers: Record<string, string>,
  body: string,
  o: UpstreamCallOptions,
  model: string,
): Promise<Reply> {
  let head: string;
  try {
    head = requestHead(target.path, target.host, headers, Buffer.byteLength(body));
  } catch (e) {
    return Promise.resolve<Reply>({ kind: 'network', message: (e as Error).message });
  }
  return new Promise<Reply>((resolve) => {
    const x = exchange(o, model, resolve);
    let status = 0;
    let replyHeaders: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
    // The pool calls back only from socket events, never before this function returns.
    const abandon = pool.post(target.hostname, Number(target.port || 80), head, body, {
      head: (s, h) => {
        status = s;
        replyHeaders = headerObject(h);
        x.head(s, h.get('content-type') ?? '');
      },
      data: (c) => x.data(c),
      end: () => x.reply(status, replyHeaders),
      error: (e) => x.failed(e),
    });
    x.start(abandon);
  });
}

/**
 * What both POST paths share: one settlement, the deadline and the client's cancel (each stops the
 * request through `abort`), the body read under its limit, and a 2xx event stream passed to the
 * sink as it arrives.
 */
interface Exchange {
  why: 'timeout' | 'cancelled' | null;
  settle(r: Reply): void;
  start(abort: () => void): void;
  head(status: number, contentType: string): void;
  data(c: Buffer): void;
  reply(status: number, headers: Record<string, string | undefined>): void;
  failed(e: Error): void;
}

function exchange(o: UpstreamCallOptions, model: string, resolve: (r: Reply) => void): Exchange {
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let abort = () => {};
  let sink: UpstreamCallOptions['sink'];
  const chunks: Buffer[] = [];
  let size = 0;
  const x: Exchange = {
    why: null,
    settle(r) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.cancel.set(null);
      resolve(r);
    },
    start(stopRequest) {
      abort = stopRequest;
      const stop = (kind: 'timeout' | 'cancelled') => {
        x.why = kind;
        abort();
        x.settle({ kind });
      };
      timer = setTimeout(() => stop('timeout'), o.deadlineMs);
      o.cancel.set(() => stop('cancelled'));
    },
    head(status, contentType) {
      const streamed = status >= 200 && status < 300 && contentType.toLowerCase().startsWith('text/event-stream');
      sink = streamed ? o.sink : undefined;
    },
    data(c) {
      size += c.length;
      if (size > MAX_RESPONSE) {
        abort();
        return x.settle({ kind: 'network', message: `the response is larger than ${MAX_RESPONSE} bytes` });
      }
      chunks.push(c);
      if (sink) {
        if (!sink.opened) sink.open(model);
        sink.write(c);
      }
    },
    reply(status, headers) {
      const body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
      x.settle({ kind: 'reply', status, headers, body });
    },
    failed(e) {
      if (x.why) return x.settle({ kind: x.why });
      const code = (e as { code?: unknown }).code;
      x.settle({ kind: 'network', message: describeNetworkError(typeof code === 'string' ? code : '', e) });
    },
  };
  return x;
}

/** The reply's headers as the classifier takes them: an object, so one without a prototype (names are the upstream's). */
function headerObject(headers: ReadonlyMap<string, string>): Record<string, string | undefined> {
  const out = Object.create(null) as Record<string, string | undefined>;
  for (const [k, v] of headers) out[k] = v;
  return out;
}

/**
 * Header values as strings; only set-cookie comes as a list from node:http, so most replies need no
 * copy (node:http's header object has no prototype, and neither has the copy).
 */
function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  if (headers['set-cookie'] === undefined) return headers as Record<string, string | undefined>;
  const out = Object.create(null) as Record<string, string | undefined>;
  for (const k in headers) {
    const v = headers[k];
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
