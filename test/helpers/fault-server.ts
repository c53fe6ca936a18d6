import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A real HTTP server on loopback that answers each request with a scripted fault, so the
 * OpenAI-compatible client is tested against the failures real endpoints produce.
 */
export type Fault =
  /** A JSON answer with any status and headers. */
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** A non-JSON body (an HTML error page from a proxy, garbage). */
  | { kind: 'text'; status: number; body: string; contentType?: string }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Send the headers and part of the body, then close the socket. */
  | { kind: 'cut'; partial: string }
  /** Send the headers and part of the body, then nothing more (a stalled stream). */
  | { kind: 'stall'; partial: string }
  /** Close the socket before any response ("socket hang up"). */
  | { kind: 'reset' }
  /** A leaky server: an error body that echoes every request header, credentials included. */
  | { kind: 'echo-headers'; status: number };

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FaultServer {
  /** OpenAI-style base URL, e.g. http://127.0.0.1:4711/v1 */
  baseUrl: string;
  requests: ReceivedRequest[];
  openConnections(): number;
  /** Resolves once no client connection is open. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** An OpenAI chat.completion body. */
export function completion(content: string, opts: { model?: string; prompt_tokens?: number; completion_tokens?: number } = {}): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: opts.model ?? 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: opts.prompt_tokens ?? 10,
      completion_tokens: opts.completion_tokens ?? 5,
      total_tokens: (opts.prompt_tokens ?? 10) + (opts.completion_tokens ?? 5),
    },
  };
}

export async function startFaultServer(script: Fault[] | ((n: number, req: ReceivedRequest) => Fault)): Promise<FaultServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let idleWaiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const n = requests.length;
      requests.push(received);
      const fault = typeof script === 'function' ? script(n, received) : (script[n] ?? script[script.length - 1]);
      if (!fault) throw new Error('fault server: empty script');
      switch (fault.kind) {
        case 'json': {
          const text = JSON.stringify(fault.body);
          res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...fault.headers });
          res.end(text);
          return;
        }
        case 'text':
          res.writeHead(fault.status, {
            'content-type': fault.contentType ?? 'text/html',
            'content-length': Buffer.byteLength(fault.body),
          });
          res.end(fault.body);
          return;
        case 'hang':
          return;
        case 'cut':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fault.partial) * 4 });
          res.write(fault.partial, () => res.socket?.destroy());
          return;
        case 'stall':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fault.partial) * 4 });
          res.write(fault.partial);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'echo-headers': {
          const text = JSON.stringify({
            error: { message: `rejected request with headers ${JSON.stringify(req.headers)}`, type: 'invalid_request_error' },
          });
          res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      if (sockets.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fault server has no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    openConnections: () => sockets.size,
    idle: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
