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
    let settled = false;
    let why: 'timeout' | 'cancelled' | null = null;
    const settle = (r: Reply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.cancel.set(null);
      resolve(r);
    };
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
    const stop = (kind: 'timeout' | 'cancelled') => {
      why = kind;
      req.destroy();
      settle({ kind });
    };
    const timer = setTimeout(() => stop('timeout'), o.deadlineMs);
    o.cancel.set(() => stop('cancelled'));
    req.on('error', (e) => {
      if (why) return settle({ kind: why });
      const code = (e as { code?: unknown }).code;
      settle({ kind: 'network', message: describeNetworkError(typeof code === 'string' ? code : '', e) });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const sink =
        o.sink &&
        status >= 200 &&
        status < 300 &&
        String(res.headers['content-type'] ?? '')
          .toLowerCase()
          .startsWith('text/event-stream')
          ? o.sink
          : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE) {
          res.destroy();
          settle({ kind: 'network', message: `the response is larger than ${MAX_RESPONSE} bytes` });
          return;
        }
        chunks.push(c);
        if (sink) {
          if (!sink.opened) sink.open(model);
          sink.write(c);
        }
      });
      res.on('error', () => {});
      res.on('close', () => {
        if (why) return settle({ kind: why });
        if (!res.complete) return settle({ kind: 'network', message: 'the connection closed in the middle of the response body' });
        settle({
          kind: 'reply',
          status,
          headers: flatHeaders(res.headers),
          body: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
        });
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
    let settled = false;
    let why: 'timeout' | 'cancelled' | null = null;
    // The pool calls back only from socket events, never before this function returns.
    const settle = (r: Reply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.cancel.set(null);
      resolve(r);
    };
    let status = 0;
    let replyHeaders: Record<string, string | undefined> = {};
    let sink: UpstreamCallOptions['sink'];
    const chunks: Buffer[] = [];
    let size = 0;
    const abandon = pool.post(target.hostname, Number(target.port || 80), head, body, {
      head: (s, h) => {
        status = s;
        replyHeaders = headerObject(h);
        const streamed = s >= 200 && s < 300 && (h.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
        sink = streamed ? o.sink : undefined;
      },
      data: (c) => {
        size += c.length;
        if (size > MAX_RESPONSE) {
          abandon();
          return settle({ kind: 'network', message: `the response is larger than ${MAX_RESPONSE} bytes` });
        }
        chunks.push(c);
        if (sink) {
          if (!sink.opened) sink.open(model);
          sink.write(c);
        }
      },
      end: () =>
        settle({
          kind: 'reply',
          status,
          headers: replyHeaders,
          body: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
        }),
      error: (e) => {
        if (why) return settle({ kind: why });
        const code = (e as { code?: unknown }).code;
        settle({ kind: 'network', message: describeNetworkError(typeof code === 'string' ? code : '', e) });
      },
    });
    const stop = (kind: 'timeout' | 'cancelled') => {
      why = kind;
      abandon();
      settle({ kind });
    };
    const timer = setTimeout(() => stop('timeout'), o.deadlineMs);
    o.cancel.set(() => stop('cancelled'));
  });
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
