import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { InputError } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import { createRng } from '../domain/rng.js';
import { createChatClient, type ChatClient } from '../providers/index.js';
import type { Store } from '../store/db.js';
import type { UserPattern } from '../redact/redact-text.js';
import { createAccess } from './access.js';
import { handleChat } from './handle-chat.js';
import { createMetrics, type Metrics } from './metrics.js';
import { errorBody, GatewayError } from './openai-error.js';
import { createPolicyRegistry, type PolicyRegistry } from './policy-registry.js';
import { createRedisState } from './redis-state.js';
import type { RouteDeps } from './route-request.js';
import { subscribeServingChanges } from './serving-notify.js';
import { createShadow } from './shadow.js';
import { createLocalState } from './shared-state.js';
import { createTrafficLog, type TrafficLog } from './traffic-log.js';
import { CancelledError, createUpstream } from './upstream.js';

export interface GatewayOptions {
  store: Store;
  /** Where upstream keys are read (`api_key_env` of the catalog); nothing else is read from it. */
  env: Record<string, string | undefined>;
  host?: string;
  port?: number;
  allowAnonymous?: boolean;
  /** Shared round-robin and budget state across instances. */
  redisUrl?: string;
  redisPrefix?: string;
  /** How often the active versions are polled (hot reload). */
  reloadIntervalMs?: number;
  /** Log served traffic back to the store (default true) and which share of it (default 1). */
  logTraffic?: boolean;
  logSampleRate?: number;
  logBufferSize?: number;
  redactPatterns?: UserPattern[];
  shadow?: { spec: PolicySpec; rate: number; of?: string; label?: string; maxInFlight?: number };
  maxBodyBytes?: number;
  /** Requests handled at once; past it a request gets 503 + Retry-After (backpressure). */
  maxInFlight?: number;
  upstreamTimeoutMs?: number;
  /** Seed of the router's draws (default: random per process). */
  seed?: string;
  /** One JSON object per request, with no message text and no key. */
  log?: (entry: Record<string, unknown>) => void;
  client?: ChatClient;
}

export interface Gateway {
  url: string;
  port: number;
  metrics: Metrics;
  registry: PolicyRegistry;
  trafficLog: TrafficLog | null;
  /** Chat and model requests being handled now. */
  inFlight(): number;
  /** Stop accepting, let requests in flight finish (up to drainMs), write the log, close. */
  close(drainMs?: number): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface GatewayRuntime {
  opts: GatewayOptions;
  metrics: Metrics;
  registry: PolicyRegistry;
  access: ReturnType<typeof createAccess>;
  trafficLog: TrafficLog | null;
  shadow: ReturnType<typeof createShadow> | null;
  route: RouteDeps;
  logRng: ReturnType<typeof createRng>;
  draining(): boolean;
}

/**
 * `routelab serve`: an OpenAI-compatible HTTP gateway in front of the active policies. Plain
 * node:http: five routes need no router, and on a JSON POST it answered 4,021 req/s against
 * fastify 5's 2,767 on the same loopback loop (64 connections, best of 4 alternating runs).
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.allowAnonymous && !LOOPBACK.has(host)) {
    throw new InputError(
      `--allow-anonymous is only allowed on a loopback host (127.0.0.1, ::1, localhost), not ${host}: create keys with \`routelab keys create\``,
    );
  }
  const rate = opts.logSampleRate ?? 1;
  if (!(rate >= 0 && rate <= 1)) throw new InputError(`--log-sample-rate must be between 0 and 1, not ${rate}`);
  const metrics = createMetrics();
  const rng = createRng(opts.seed ?? randomBytes(8).toString('hex'));
  const client = opts.client ?? createChatClient({ env: opts.env });
  const state = opts.redisUrl
    ? await createRedisState({ url: opts.redisUrl, prefix: opts.redisPrefix ?? 'routelab:gw' })
    : createLocalState();
  const registry = await createPolicyRegistry(opts.store, opts.reloadIntervalMs ?? 250);
  const access = createAccess(opts.store, opts.allowAnonymous === true);
  registry.onReload(() => access.invalidate());
  // Push: a promote or rollback reloads now (Postgres NOTIFY, Redis pub/sub); the poll stays as the fallback.
  const unsubscribe = await subscribeServingChanges({
    store: opts.store,
    redisUrl: opts.redisUrl,
    redisPrefix: opts.redisPrefix ?? 'routelab:gw',
    onChange: () => void registry.refresh().catch(() => {}),
  });
  const upstream = createUpstream({ env: opts.env, client, direct: !opts.client });
  const route = { upstream, state, rng: rng.fork('route'), metrics, deadlineMs: opts.upstreamTimeoutMs ?? 120_000 };
  const trafficLog =
    opts.logTraffic === false
      ? null
      : await createTrafficLog({
          store: opts.store,
          source: `gateway ${host}:${opts.port ?? 4000} pid ${process.pid}`,
          redactPatterns: opts.redactPatterns,
          maxBuffer: opts.logBufferSize,
          onWritten: (n) => metrics.logged.inc([], n),
          onDropped: (n) => metrics.logDropped.inc([], n),
          onError: (e) => opts.log?.({ level: 'error', msg: 'traffic log worker stopped; records are dropped', error: e.name }),
        });
  const shadow = opts.shadow
    ? createShadow({
        spec: opts.shadow.spec,
        rate: opts.shadow.rate,
        of: opts.shadow.of,
        label: opts.shadow.label,
        maxInFlight: opts.shadow.maxInFlight,
        store: opts.store,
        deps: { upstream, rng: rng.fork('shadow-route'), metrics, deadlineMs: route.deadlineMs },
        rng: rng.fork('shadow'),
      })
    : null;

  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | null = null;
  const maxInFlight = opts.maxInFlight ?? 1024;
  const runtime: GatewayRuntime = {
    opts,
    metrics,
    registry,
    access,
    trafficLog,
    shadow,
    route,
    logRng: rng.fork('log'),
    draining: () => draining,
  };

  const finished = () => {
    inFlight--;
    if (inFlight === 0 && idle) idle();
  };
  const failed = (res: ServerResponse, e: unknown) => {
    if (e instanceof CancelledError) return void res.destroy();
    if (!res.headersSent) sendError(res, e instanceof GatewayError ? e : new GatewayError(500, 'internal gateway error', 'server_error'));
    else res.destroy();
    if (!(e instanceof GatewayError)) opts.log?.({ level: 'error', msg: 'request failed', error: e instanceof Error ? e.name : 'unknown' });
  };
  const server = createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: (opts.upstreamTimeoutMs ?? 120_000) * 4, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      if (draining) res.setHeader('connection', 'close');
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/healthz') return sendText(res, 200, 'ok\n');
      if (req.method === 'GET' && path === '/readyz')
        return draining || registry.failures() > 3
          ? sendText(res, 503, draining ? 'draining\n' : 'store unreachable\n')
          : sendText(res, 200, 'ready\n');
      if (req.method === 'GET' && path === '/metrics') return sendText(res, 200, metrics.render(), 'text/plain; version=0.0.4');
      if (inFlight >= maxInFlight || draining) {
        metrics.rejected.inc([draining ? 'draining' : 'overloaded']);
        res.setHeader('retry-after', '1');
        return sendError(
          res,
          new GatewayError(
            503,
            draining
              ? 'the gateway is shutting down; retry on another instance'
              : `the gateway is at its limit of ${maxInFlight} requests in flight; retry shortly`,
            'server_error',
            draining ? 'draining' : 'overloaded',
          ),
        );
      }
      inFlight++;
      // One reaction per request (not catch and finally: two more promises and closures).
      handle(runtime, req, res, path ?? '/').then(finished, (e: unknown) => {
        try {
          failed(res, e);
        } finally {
          finished();
        }
      });
    },
  );
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4000, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the gateway has no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    metrics,
    registry,
    trafficLog,
    inFlight: () => inFlight,
    close: async (drainMs = 30_000) => {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, drainMs).unref();
        });
      }
      for (const s of sockets) s.destroy();
      await closed;
      registry.close();
      await unsubscribe();
      await shadow?.drain();
      await trafficLog?.close();
      await state.close();
      await upstream.close();
      if (!opts.client) await client.close();
    },
  };
}

async function handle(rt: GatewayRuntime, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method === 'POST' && path === '/v1/chat/completions') return handleChat(rt, req, res);
  if (req.method === 'GET' && path === '/v1/models') {
    const key = await rt.access.authenticate(headerOf(req, 'authorization'));
    const snap = rt.registry.current();
    const data: Array<{ id: string; object: 'model'; created: number; owned_by: string }> = [];
    for (const [name, p] of snap.policies) {
      if (p.spec.policy.enabled === false) continue;
      if (key && key.policies.length > 0 && !key.policies.includes(name)) continue;
      data.push({ id: `policy/${name}`, object: 'model', created: 0, owned_by: 'routelab-policy' });
    }
    if (!key || key.policies.length === 0)
      for (const name of snap.catalog.keys()) data.push({ id: name, object: 'model', created: 0, owned_by: 'routelab-catalog' });
    return sendJson(res, 200, JSON.stringify({ object: 'list', data }));
  }
  throw new GatewayError(
    404,
    `no route ${req.method ?? ''} ${path}: the gateway serves POST /v1/chat/completions and GET /v1/models`,
    'invalid_request_error',
    'not_found',
  );
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `headers`: our own response headers (fixed names), never keys from a request. */
export function sendJson(res: ServerResponse, status: number, body: string, headers?: Readonly<Record<string, string>>): void {
  // A flat list, not a merged object: no copy of the headers per response.
  const list: Array<string | number> = ['content-type', 'application/json', 'content-length', Buffer.byteLength(body)];
  if (headers) for (const k in headers) list.push(k, headers[k] as string);
  res.writeHead(status, list);
  res.end(body);
}

export function sendError(res: ServerResponse, e: GatewayError, headers?: Readonly<Record<string, string>>): void {
  sendJson(res, e.status, errorBody(e), headers);
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
