import type { CallResult } from '../domain/call-result.js';
import { providerOf, upstreamModel, type CatalogEntry } from '../domain/catalog-entry.js';
import type { ChatMessage } from './chat-message.js';
import { classifyWire, failure, type Classified } from './classify-response.js';
import { fleetLeases } from './fleet-registry.js';
import { createFetchTransport, createNodeTransport, TransportError } from './http-transport.js';
import { isWireCall } from './provider-adapter.js';
import { createAdapters } from './provider-adapters.js';
import { openaiAdapter } from './wire-openai.js';
import { redactSecrets } from '../redact/redact-text.js';
import { replayParams } from '../replay/replay-params.js';
import { isRoutelabSetting } from './catalog-safety.js';

export interface ChatRequest {
  /** The normalised messages: text or parts (images by reference), tool calls and tool results. */
  messages: ChatMessage[];
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
 * One call per complete(), in the wire format of the entry's provider kind: classified to a status
 * code the same way for every kind, never retried here (retries belong to the policy). Credentials go
 * in the headers the provider reads (or into the SigV4 signature) only, and are scrubbed from every
 * message that leaves.
 */
export function createChatClient(opts: ChatClientOptions): ChatClient {
  const now = opts.now ?? (() => Date.now());
  const transport = opts.fetchImpl ? createFetchTransport(opts.fetchImpl) : createNodeTransport();
  const leases = fleetLeases();
  const adapters = createAdapters();
  let closed = false;

  const complete = async (entry: CatalogEntry, req: ChatRequest): Promise<CallResult> => {
    if (closed) throw new Error('chat client is closed');
    const started = now();
    const simulated = entry.simulated !== null;
    const done = (c: Classified, latency = Math.max(0, now() - started), isSimulated = simulated): CallResult => ({
      ...c,
      latency_ms: latency,
      simulated: isSimulated,
    });

    // A simulated model is always the OpenAI-compatible fleet, whatever kind the catalog names.
    const adapter = simulated ? openaiAdapter : adapters[providerOf(entry)];
    const baseUrl = entry.simulated
      ? await leases.baseUrl(entry.simulated.fleet, entry.simulated.answers)
      : (entry.base_url ?? adapter.defaultBaseUrl(entry, opts.env));
    if (!baseUrl) return done(failure(400, 'client', `model "${entry.name}" has neither base_url nor simulated in the catalog`));
    // Checked when the catalog is read too; here again for entries stored before that check.
    if (entry.api_key_env && isRoutelabSetting(entry.api_key_env)) {
      return done(
        failure(400, 'client', `model "${entry.name}" names ${entry.api_key_env}, one of routelab's own settings, as its key: not sent`),
      );
    }
    let secrets: string[] = entry.api_key_env && opts.env[entry.api_key_env] ? [opts.env[entry.api_key_env] as string] : [];

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
      const call = await adapter.prepare({
        entry,
        model: simulated ? entry.name : upstreamModel(entry),
        baseUrl,
        messages: req.messages,
        params: replayParams(req.params),
        env: opts.env,
        transport,
        signal: controller.signal,
        now,
      });
      if (!isWireCall(call)) {
        if (call.error) call.error.message = redactSecrets(call.error.message, secrets);
        adapter.afterCall?.(entry, opts.env, call.status);
        return done(call);
      }
      secrets = [...secrets, ...call.secrets];
      if (simulated && req.attempt_id !== undefined) call.headers['x-routelab-attempt'] = req.attempt_id;
      const reply = await transport.post(call.url, call.headers, call.body, controller.signal);
      const classified = classifyWire(adapter, reply, entry.price, now());
      if (classified.error) classified.error.message = redactSecrets(classified.error.message, secrets);
      adapter.afterCall?.(entry, opts.env, classified.status);
      // The simulated fleet reports latency instead of sleeping it; real endpoints are timed. Only
      // the embedded fleet (a `simulated` catalog entry) is believed: a real endpoint sending the
      // same headers must not pass its answers off as simulated or fake its latency.
      const reported = simulated ? Number(reply.headers['x-routelab-latency-ms']) : NaN;
      return done(classified, Number.isFinite(reported) ? reported : undefined, simulated);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      if (e.kind === 'aborted' && !timedOut) throw req.signal?.reason ?? e;
      if (timedOut) return done(failure(408, 'timeout', `no complete answer from ${entry.name} within ${deadline} ms`));
      return done(failure(502, 'network', redactSecrets(`${entry.name}: ${e.message}`, secrets)));
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
      await leases.releaseAll();
      await transport.close();
    },
  };
}
