import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { inputKey } from '../domain/input-key.js';
import type { AnswerEntry, FleetModel, FleetSpec } from './fleet-spec.js';
import { simulateReply } from './simulate-reply.js';

export interface FleetServer {
  /** e.g. http://127.0.0.1:41234/v1 — an OpenAI-compatible base URL. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface FleetServerOptions {
  fleet: FleetSpec;
  answers: AnswerEntry[];
  host?: '127.0.0.1';
  port?: 0;
}

const MAX_BODY = 8 * 1024 * 1024;

/**
 * Serve the simulated fleet over loopback HTTP with the OpenAI chat-completions protocol, so the
 * demo exercises the same client path as a real endpoint. Every response is labelled simulated.
 */
export async function startFleetServer(opts: FleetServerOptions): Promise<FleetServer> {
  const models = new Map<string, FleetModel>(opts.fleet.models.map((m) => [m.name, m]));
  const answers = new Map(opts.answers.map((a) => [a.key, a]));
  const asked = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return send(res, 200, {
        object: 'list',
        data: [...models.keys()].map((id) => ({ id, object: 'model', owned_by: 'routelab-simulated' })),
      });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return send(res, 404, errorBody(`no route ${req.method} ${path}`, 'invalid_request_error'));
    }
    const raw = await readBody(req);
    if (raw === null) return send(res, 413, errorBody('request body too large', 'invalid_request_error'));
    const body = parseRequest(raw);
    if (typeof body === 'string') return send(res, 400, errorBody(body, 'invalid_request_error'));
    const model = models.get(body.model);
    if (!model)
      return send(res, 404, errorBody(`model "${body.model}" is not in the simulated fleet`, 'invalid_request_error', 'model_not_found'));

    const key = inputKey(body.messages);
    // A caller-given attempt id makes the draw independent of request order; otherwise count.
    const given = req.headers['x-routelab-attempt'];
    const counter = `${model.name}\u0000${key}`;
    const attempt = typeof given === 'string' && given !== '' ? given : (asked.get(counter) ?? 0);
    if (typeof attempt === 'number') asked.set(counter, attempt + 1);
    const chars = body.messages.reduce((n, m) => n + m.content.length, 0);
    const reply = simulateReply({ fleet: opts.fleet, model, answers, key, prompt_chars: chars, attempt });

    const wait = reply.latency_ms * opts.fleet.time_scale;
    if (wait > 0) {
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          timers.delete(t);
          r();
        }, wait);
        timers.add(t);
      });
    }
    const headers: Record<string, string> = { 'x-routelab-latency-ms': String(reply.latency_ms) };
    if (reply.kind === 'error') {
      if (reply.retry_after_s !== undefined) headers['retry-after'] = String(reply.retry_after_s);
      return send(res, reply.status, errorBody(reply.message, reply.type), headers);
    }
    send(
      res,
      200,
      {
        id: `chatcmpl-sim-${key.slice(0, 12)}-${attempt}`,
        object: 'chat.completion',
        created: 0,
        model: model.name,
        system_fingerprint: 'routelab-simulated',
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: reply.prompt_tokens,
          completion_tokens: reply.completion_tokens,
          total_tokens: reply.prompt_tokens + reply.completion_tokens,
        },
      },
      headers,
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        send(res, 500, errorBody(`simulated fleet failed: ${e instanceof Error ? e.message : String(e)}`, 'server_error'));
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fleet server has no TCP address');
  return {
    baseUrl: `http://${opts.host ?? '127.0.0.1'}:${address.port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

interface FleetRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
}

/** The request body, or why it is unusable. */
function parseRequest(raw: string): FleetRequest | string {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return 'request body is not valid JSON';
  }
  if (!json || typeof json !== 'object') return 'request body must be a JSON object';
  const { model, messages } = json as { model?: unknown; messages?: unknown };
  if (typeof model !== 'string' || model === '') return 'model is required';
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array';
  const out: FleetRequest['messages'] = [];
  for (const m of messages) {
    if (!m || typeof m !== 'object') return 'each message must be an object';
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string') return 'each message needs a role';
    out.push({ role, content: flattenContent(content) });
  }
  return { model, messages: out };
}

/** OpenAI content is a string or an array of parts; text parts are joined as traffic import does. */
function flattenContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: unknown) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '',
      )
      .filter((t) => t !== '')
      .join('\n');
  }
  return '';
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorBody(message: string, type: string, code?: string): unknown {
  return { error: { message, type, code: code ?? null } };
}

/** `headers`: the fleet's own response headers (fixed names), never keys from a request. */
function send(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-routelab-simulated': 'true',
    ...headers,
  });
  res.end(text);
}
