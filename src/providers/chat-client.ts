import type { CallResult } from '../domain/call-result.js';
import type { CatalogEntry } from '../domain/catalog-entry.js';
import type { Message } from '../domain/traffic-record.js';
import { isRoutelabSetting } from './catalog-safety.js';
import { classifyReply, failure, type Classified } from './classify-response.js';
import { acquireFleet, type FleetLease } from './fleet-registry.js';
import { createFetchTransport, createNodeTransport, TransportError } from './http-transport.js';
import { redactSecrets } from '../redact/redact-text.js';
import { replayParams } from '../replay/replay-params.js';

export interface ChatRequest {
  messages: Array<Pick<Message, 'role' | 'content'>>;
  /** temperature, max_tokens, …: only replay-params.ts's allow-list is sent; `model` and `stream` are ours. */
  params: Record<string, unknown>;
  /** Per-call deadline in milliseconds (default 120 s): past it the call is a 408. */
  deadline_ms?: number;
  /** The caller's cancellation: an aborted call rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Simulated models only: a stable id for this attempt (e.g. `case-17#0`). The fleet then draws the
   * attempt's status from it instead of counting requests, so concurrent or repeated runs reproduce
   * even when several cases share an input. Never sent to a real endpoint.
   */
  attempt_id?: string;
}

export interface ChatClient {
  complete(entry: CatalogEntry, req: ChatRequest): Promise<CallResult>;
  close(): Promise<void>;
}

export interface ChatClientOptions {
  env: Record<string, string | undefined>;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export const DEFAULT_DEADLINE_MS = 120_000;

/**
 * One OpenAI-compatible call per complete(): classified to a status code, never retried here
 * (retries belong to the policy). The API key goes in the Authorization header only.
 */
export function createChatClient(opts: ChatClientOptions): ChatClient {
  const now = opts.now ?? (() => Date.now());
  const transport = opts.fetchImpl ? createFetchTransport(opts.fetchImpl) : createNodeTransport();
  const leases = new Map<string, Promise<FleetLease>>();
  let closed = false;

  const fleetBaseUrl = async (fleet: string, answers: string): Promise<string> => {
    const id = `${fleet}\u0000${answers}`;
    let lease = leases.get(id);
    if (!lease) {
      lease = acquireFleet(fleet, answers);
      leases.set(id, lease);
      lease.catch(() => leases.delete(id));
    }
    return (await lease).baseUrl;
  };

  const complete = async (entry: CatalogEntry, req: ChatRequest): Promise<CallResult> => {
    if (closed) throw new Error('chat client is closed');
    const started = now();
    const simulated = entry.simulated !== null;
    const done = (c: Classified, latency = Math.max(0, now() - started), isSimulated = simulated): CallResult => ({ ...c, latency_ms: latency, simulated: isSimulated });

    const baseUrl = entry.simulated ? await fleetBaseUrl(entry.simulated.fleet, entry.simulated.answers) : entry.base_url;
    if (!baseUrl) return done(failure(400, 'client', `model "${entry.name}" has neither base_url nor simulated in the catalog`));
    // Checked when the catalog is read too; here again for entries stored before that check.
    if (entry.api_key_env && isRoutelabSetting(entry.api_key_env)) {
      return done(failure(400, 'client', `model "${entry.name}" names ${entry.api_key_env}, one of routelab's own settings, as its key: not sent`));
    }
    const key = entry.api_key_env ? opts.env[entry.api_key_env] : undefined;
    if (entry.api_key_env && !key) {
      return done(failure(401, 'auth', `environment variable ${entry.api_key_env} is not set (the catalog names it as the key for ${entry.name})`));
    }

    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'routelab' };
    if (key) headers.authorization = `Bearer ${key}`;
    if (simulated && req.attempt_id !== undefined) headers['x-routelab-attempt'] = req.attempt_id;
    // Only model parameters from the allow-list reach an endpoint, whoever built the request.
    const body = JSON.stringify({ ...replayParams(req.params), model: entry.name, messages: req.messages.map((m) => ({ role: m.role, content: m.content })), stream: false });
    const url = `${baseUrl.replace(/\/+$/, '')}/chat/completions`;

    const deadline = req.deadline_ms ?? DEFAULT_DEADLINE_MS;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, deadline);
    const onCallerAbort = () => controller.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      if (req.signal?.aborted) throw req.signal.reason;
      const reply = await transport.post(url, headers, body, controller.signal);
      const classified = classifyReply(reply, entry.price, now());
      if (classified.error) classified.error.message = redactSecrets(classified.error.message, [key]);
      // The simulated fleet reports latency instead of sleeping it; real endpoints are timed. Only
      // the embedded fleet (a `simulated` catalog entry) is believed: a real endpoint sending the
      // same headers must not pass its answers off as simulated or fake its latency.
      const reported = simulated ? Number(reply.headers['x-routelab-latency-ms']) : NaN;
      return done(classified, Number.isFinite(reported) ? reported : undefined, simulated);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      if (e.kind === 'aborted' && !timedOut) throw req.signal?.reason ?? e;
      if (timedOut) return done(failure(408, 'timeout', `no complete answer from ${entry.name} within ${deadline} ms`));
      return done(failure(502, 'network', redactSecrets(`${entry.name}: ${e.message}`, [key])));
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  };

  return {
    complete,
    close: async () => {
      if (closed) return;
      closed = true;
      const held = [...leases.values()];
      leases.clear();
      await Promise.all(held.map(async (l) => (await l.catch(() => null))?.release()));
      await transport.close();
    },
  };
}
