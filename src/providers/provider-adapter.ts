import type { CatalogEntry } from '../domain/catalog-entry.js';
import type { ChatMessage, ChatReply } from './chat-message.js';
import type { Classified } from './classified.js';
import type { Transport } from './http-transport.js';
import type { SseEvent } from './sse.js';

/** One HTTP call an adapter built: the chat client posts it over its own transport, nothing else does. */
export interface WireCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Every credential this call carries (key, token, signature): scrubbed from any text that leaves. */
  secrets: string[];
}

/** An error a provider wrote in its own body shape. */
export interface WireError {
  status: number;
  message: string;
  /** A wait the body asks for (Gemini's RetryInfo), used when no Retry-After header is sent. */
  retry_after_ms?: number;
}

export interface PrepareContext {
  entry: CatalogEntry;
  /** Upstream model id (the entry's `model`, else its name). */
  model: string;
  baseUrl: string;
  messages: ChatMessage[];
  params: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** For adapters that must fetch a token first (watsonx IAM): the same transport, deadline and signal. */
  transport: Transport;
  signal: AbortSignal;
  now: () => number;
}

/**
 * One provider kind's wire format: encode the normalised request, read its error bodies and decode
 * its answers. Adapters never retry, never time out on their own and never open sockets: the chat
 * client does all of that the same way for every kind.
 */
export interface ProviderAdapter {
  /** The endpoint used when the catalog gives no base_url (undefined: base_url is required). */
  defaultBaseUrl(entry: CatalogEntry, env: Record<string, string | undefined>): string | undefined;
  /** The call, or a classified failure when a credential is missing or cannot be obtained. */
  prepare(ctx: PrepareContext): Promise<WireCall | Classified>;
  /** The provider's error object in a body of any status, or undefined when the body is not one. */
  errorIn(json: Record<string, unknown>, httpStatus: number): WireError | undefined;
  /** A 2xx answer; undefined when the body has none of the expected fields. */
  decode(json: Record<string, unknown>): ChatReply | undefined;
  /**
   * A 2xx answer sent as server-sent events: the reply, the error event it carried, or undefined when
   * the stream ended before its final event. Absent: this kind's streams are not read (Bedrock's are
   * binary AWS event streams, and routelab never asks for one).
   */
  decodeStream?(events: SseEvent[]): ChatReply | WireError | undefined;
  /** Told the classified status of every call (watsonx drops a cached token the endpoint refused). */
  afterCall?(entry: CatalogEntry, env: Record<string, string | undefined>, status: number): void;
}

export function isWireCall(v: WireCall | Classified): v is WireCall {
  return 'url' in v;
}

/** The 401 every adapter gives when the catalog names a key variable that is not set. */
export function missingKey(env: string, entry: CatalogEntry): { status: 401; message: string } {
  return { status: 401, message: `environment variable ${env} is not set (the catalog names it as the key for ${entry.name})` };
}
