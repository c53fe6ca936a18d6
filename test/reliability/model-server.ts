import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A scriptable OpenAI-compatible model on loopback for the run-engine scenarios. It answers "what is
 * N + 1?" correctly (so golden assertions really pass), can hold every request at a gate until the
 * test opens it (to catch a worker with a call in flight), and can fail a seeded share of calls.
 * It counts the requests it gets per (model, prompt), which is how duplicate provider calls are seen.
 */
export interface ModelServer {
  /** OpenAI-style base URL: http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  /** Requests received, in order: model, prompt text, Authorization header. */
  requests: Array<{ model: string; prompt: string; authorization: string | undefined }>;
  /** Requests per `model|prompt` seen more than once. */
  duplicates(): number;
  /** Requests currently held at the gate. */
  held(): number;
  /** Let every held and future request through. */
  open(): void;
  /** Hold every future request until open(). */
  close_gate(): void;
  openConnections(): number;
  close(): Promise<void>;
}

export interface ModelServerOptions {
  /** Start with the gate closed. */
  gated?: boolean;
  /** Share of calls (0..1) answered with a fault, drawn from a seeded generator. */
  faultRate?: number;
  seed?: number;
  /** Milliseconds before answering (a little latency keeps a run going long enough to disturb it). */
  delayMs?: number;
}

/** mulberry32: a small seeded generator, so a fault pattern reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS = [
  (res: ServerResponse) => json(res, 500, { error: { message: 'internal error', type: 'server_error' } }),
  (res: ServerResponse) => json(res, 503, { error: { message: 'overloaded', type: 'overloaded_error' } }, { 'retry-after': '1' }),
  (res: ServerResponse) => json(res, 429, { error: { message: 'rate limited', type: 'rate_limit_error' } }, { 'retry-after': 'soon' }),
  (res: ServerResponse) => json(res, 200, { error: { message: 'upstream timeout', code: 504 } }),
  (res: ServerResponse) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  },
];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function answerFor(prompt: string): string {
  const n = /what is (\d+) \+ 1/.exec(prompt)?.[1];
  return n === undefined ? 'I do not know' : `The answer is ${Number(n) + 1}.`;
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const requests: ModelServer['requests'] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  let gated = options.gated ?? false;
  let waiting: Array<() => void> = [];
  const draw = rng(options.seed ?? 1);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { model?: string; messages?: Array<{ content?: string }> } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        json(res, 400, { error: { message: 'bad json' } });
        return;
      }
      const model = body.model ?? '?';
      const prompt = body.messages?.map((m) => m.content ?? '').join('\n') ?? '';
      requests.push({ model, prompt, authorization: req.headers.authorization });
      const k = `${model}|${prompt}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
      const answer = () => {
        if (res.destroyed) return;
        const fault = options.faultRate && draw() < options.faultRate ? FAULTS[Math.floor(draw() * FAULTS.length)] : undefined;
        if (fault) return fault(res);
        json(res, 200, {
          id: 'chatcmpl-rel',
          object: 'chat.completion',
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: answerFor(prompt) }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
        });
      };
      const go = () => (options.delayMs ? setTimeout(answer, options.delayMs) : answer());
      if (gated) waiting.push(go);
      else go();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('model server has no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    duplicates: () => [...seen.values()].reduce((s, n) => s + n - 1, 0),
    held: () => waiting.length,
    open: () => {
      gated = false;
      const w = waiting;
      waiting = [];
      w.forEach((go) => go());
    },
    close_gate: () => {
      gated = true;
    },
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        waiting = [];
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
