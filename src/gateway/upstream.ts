import http from 'node:http';
import https from 'node:https';
import type { CallResult } from '../domain/call-result.js';
import { providerOf, upstreamModel, type CatalogEntry } from '../domain/catalog-entry.js';
import { isRoutelabSetting } from '../providers/catalog-safety.js';
import type { ChatMessage } from '../providers/chat-message.js';
import { failure, type Classified } from '../providers/classified.js';
import { classifyWire } from '../providers/classify-response.js';
import { fleetLeases } from '../providers/fleet-registry.js';
import type { ChatClient } from '../providers/index.js';
import { isWireCall } from '../providers/provider-adapter.js';
import { openaiAdapter } from '../providers/wire-openai.js';
import { redactSecrets } from '../redact/redact-text.js';
import { replayParams } from '../replay/replay-params.js';
import type { ParsedChat } from './chat-request.js';
import { RawHttpPool } from './raw-http.js';
import { post, targetFor, type Target } from './upstream-post.js';

/**
 * Upstream calls for the gateway. OpenAI-wire entries (provider kind `openai` and the simulated
 * fleet) are called here directly over pooled keep-alive connections (raw-http.ts for http:,
 * node:https agents for TLS), with the provider layer's own request builder
 * (`openaiAdapter.prepare`) and reply classifier (`classifyWire`), so a served answer is
 * classified exactly as replay classifies it. What this path leaves out is per-call
 * AbortController/AbortSignal plumbing (about 40 µs a request on Node 20, the largest single item of
 * the gateway's profile): a deadline is a timer that destroys the socket, and a client that goes
 * away cancels through a {@link CancelScope}. With a stream sink, a 2xx event stream is passed to
 * the client chunk by chunk as it arrives (token by token); an answer that is not a stream, and any
 * failure, is read whole and classified, so the router can still retry or fall back on it. Other
 * provider kinds (Anthropic, Gemini, Bedrock, watsonx, Azure) go through the provider layer's
 * ChatClient, which answers whole; a stream asked of them is sent once the answer is in.
 */
export interface Upstream {
  call(entry: CatalogEntry, chat: ParsedChat, opts: UpstreamCallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface UpstreamCallOptions {
  deadlineMs: number;
  cancel: CancelScope;
  /** Set for `stream: true` requests: where a 2xx event stream is passed through as it arrives. */
  sink?: StreamSink;
}

/** Where a streamed answer goes. `open` is called once, before the first chunk; after it the answer is the client's. */
export interface StreamSink {
  open(model: string): void;
  write(chunk: Buffer): void;
  readonly opened: boolean;
  /** Attempts made so far, this one included (the router sets it before each call). */
  attempts: number;
  /** A guardrail flagged the request (the router sets it once it has decided). */
  flagged: boolean;
}

/** Cancels the upstream call in flight when the client goes away. */
export class CancelScope {
  cancelled = false;
  private hook: (() => void) | null = null;
  /** Run `fn` on cancel (at most one at a time: the attempt in flight). */
  set(fn: (() => void) | null): void {
    this.hook = fn;
  }
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.hook?.();
  }
}

/** Thrown when the client went away: the request is over, nothing is answered. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('the client went away');
  }
}

export interface UpstreamOptions {
  env: Record<string, string | undefined>;
  /** The provider layer's client, for the kinds not called here. */
  client: ChatClient;
  /** false: every call goes through `client` (a test's injected client). */
  direct: boolean;
  now?: () => number;
}

export function createUpstream(opts: UpstreamOptions): Upstream {
  const now = opts.now ?? (() => Date.now());
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 }),
    raw: new RawHttpPool(256),
  };
  const leases = fleetLeases();
  const targets = new Map<string, Target>();
  const targetOf = (u: string): Target => {
    let t = targets.get(u);
    if (!t) {
      t = targetFor(new URL(u));
      if (targets.size > 1000) targets.clear();
      targets.set(u, t);
    }
    return t;
  };

  const viaClient = async (entry: CatalogEntry, chat: ParsedChat, o: UpstreamCallOptions): Promise<CallResult> => {
    const controller = new AbortController();
    o.cancel.set(() => controller.abort(new CancelledError()));
    try {
      return await opts.client.complete(entry, {
        messages: chat.messages,
        params: chat.params,
        deadline_ms: o.deadlineMs,
        signal: controller.signal,
      });
    } finally {
      o.cancel.set(null);
    }
  };

  const direct = async (entry: CatalogEntry, chat: ParsedChat, o: UpstreamCallOptions): Promise<CallResult> => {
    const started = now();
    const simulated = entry.simulated !== null;
    // The classified reply is always a fresh object: completed in place rather than copied.
    const done = (c: Classified, latency = Math.max(0, now() - started)): CallResult => {
      const r = c as CallResult;
      r.latency_ms = latency;
      r.simulated = simulated;
      return r;
    };
    const baseUrl = entry.simulated ? await leases.baseUrl(entry.simulated.fleet, entry.simulated.answers) : entry.base_url;
    if (!baseUrl) return done(failure(400, 'client', `model "${entry.name}" has neither base_url nor simulated in the catalog`));
    if (entry.api_key_env && isRoutelabSetting(entry.api_key_env))
      return done(
        failure(400, 'client', `model "${entry.name}" names ${entry.api_key_env}, one of routelab's own settings, as its key: not sent`),
      );
    const call = await openaiAdapter.prepare({
      entry,
      model: simulated ? entry.name : upstreamModel(entry),
      baseUrl,
      messages: chat.messages as ChatMessage[],
      params: replayParams(chat.params),
      env: opts.env,
      // The OpenAI adapter fetches no token: it never uses the transport or the signal.
      transport: undefined as never,
      signal: undefined as never,
      now,
    });
    if (!isWireCall(call)) return done(call);
    const secrets = call.secrets;
    let body = call.body;
    if (o.sink && !simulated) {
      // Ask for a stream (the builder always writes `"stream":false` last), usage included.
      body = body.endsWith(',"stream":false}')
        ? `${body.slice(0, -'"stream":false}'.length)}"stream":true,"stream_options":{"include_usage":true}}`
        : JSON.stringify({ ...(JSON.parse(body) as object), stream: true, stream_options: { include_usage: true } });
      call.headers.accept = 'text/event-stream';
    }
    if (o.cancel.cancelled) throw new CancelledError();
    const reply = await post(targetOf(call.url), call.headers, body, o, agents, entry.name);
    if (reply.kind === 'cancelled') throw new CancelledError();
    if (reply.kind === 'timeout') return done(failure(408, 'timeout', `no complete answer from ${entry.name} within ${o.deadlineMs} ms`));
    if (reply.kind === 'network') return done(failure(502, 'network', redactSecrets(`${entry.name}: ${reply.message}`, secrets)));
    const classified = classifyWire(openaiAdapter, reply, entry.price, now());
    if (classified.error) classified.error.message = redactSecrets(classified.error.message, secrets);
    // The embedded fleet reports latency instead of sleeping it; only a `simulated` entry is believed.
    const reported = simulated ? Number(reply.headers['x-routelab-latency-ms']) : NaN;
    return done(classified, Number.isFinite(reported) ? reported : undefined);
  };

  return {
    call: (entry, chat, o) =>
      (opts.direct && (entry.simulated !== null || providerOf(entry) === 'openai') ? direct : viaClient)(entry, chat, o),
    close: async () => {
      await leases.releaseAll();
      agents.http.destroy();
      agents.https.destroy();
      agents.raw.destroy();
    },
  };
}
