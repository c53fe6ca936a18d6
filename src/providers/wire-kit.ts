import type { ModelPrice } from '../domain/catalog-entry.js';
import type { ChatUsage, ToolSpec } from './chat-message.js';
import { failure, type Classified } from './classified.js';
import { missingKey, type PrepareContext } from './provider-adapter.js';

/** Helpers every wire adapter shares: reading untrusted JSON and pricing usage. */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function sum(...values: Array<number | null>): number | null {
  return values.every((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

export const NO_USAGE: ChatUsage = { input_tokens: null, output_tokens: null, cached_input_tokens: null, reasoning_tokens: null };

/**
 * Cost in USD from normalised usage: uncached input at the input price, cached input at the cached
 * price (the input price when the catalog gives none), output (reasoning included) at the output
 * price. Null when the provider reported no input or output count: an unknown cost is never 0.
 */
export function costOf(usage: ChatUsage, price: ModelPrice): number | null {
  if (usage.input_tokens === null || usage.output_tokens === null) return null;
  const cached = Math.min(usage.cached_input_tokens ?? 0, usage.input_tokens);
  const cachedPrice = price.cached_input_per_m ?? price.input_per_m;
  return ((usage.input_tokens - cached) * price.input_per_m + cached * cachedPrice + usage.output_tokens * price.output_per_m) / 1e6;
}

/**
 * The status an error named only by type or code text means (an error inside a 200, an Anthropic
 * or Bedrock error type, a Google RPC status). Bounded inputs: the text is cut before matching.
 */
export function statusOfErrorText(text: string): number {
  const t = text.slice(0, 200).toLowerCase();
  if (/rate.?limit|quota|too.?many|throttl|resource.?exhausted/.test(t)) return 429;
  if (/timeout|timed.?out|deadline/.test(t)) return 408;
  if (/permission|forbidden|access.?denied/.test(t)) return 403;
  if (/auth|api.?key|unauthenticated|credential/.test(t)) return 401;
  if (/overload|unavailable|capacity|not.?ready/.test(t)) return 503;
  if (/not.?found/.test(t)) return 404;
  if (/too.?large/.test(t)) return 413;
  if (/invalid|bad.?request|context.?length|validation|failed.?precondition|out.?of.?range/.test(t)) return 400;
  return 500;
}

/** A number-like status in [400, 599] among the values, if any. */
export function numericStatus(...values: unknown[]): number | undefined {
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : NaN;
    if (n >= 400 && n <= 599) return n;
  }
  return undefined;
}

/** `params.tools` in the OpenAI shape, as plain specs (anything else is dropped). */
export function toolSpecs(params: Record<string, unknown>): ToolSpec[] {
  const tools = params.tools;
  if (!Array.isArray(tools)) return [];
  const out: ToolSpec[] = [];
  for (const t of tools) {
    const f = isObject(t) && isObject(t.function) ? t.function : isObject(t) ? t : undefined;
    if (!f || typeof f.name !== 'string') continue;
    out.push({
      name: f.name,
      ...(typeof f.description === 'string' ? { description: f.description } : {}),
      ...(isObject(f.parameters) ? { parameters: f.parameters } : {}),
    });
  }
  return out;
}

/** max_tokens / max_completion_tokens as the caller sent it. */
export function maxTokens(params: Record<string, unknown>): number | undefined {
  const v = params.max_tokens ?? params.max_completion_tokens ?? params.max_output_tokens;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export function stopList(params: Record<string, unknown>): string[] | undefined {
  const s = params.stop;
  if (typeof s === 'string') return [s];
  if (Array.isArray(s) && s.every((x) => typeof x === 'string')) return s as string[];
  return undefined;
}

export function num(params: Record<string, unknown>, key: string): number | undefined {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `data:<type>;base64,<data>` split, or undefined for any other URL. */
export function dataUrl(url: string): { media_type: string; data: string } | undefined {
  const m = /^data:([a-z]+\/[a-z0-9.+-]+);base64,/i.exec(url.slice(0, 200));
  return m ? { media_type: m[1] as string, data: url.slice(m[0].length) } : undefined;
}

/** Tool-call arguments (JSON text) as the object providers other than OpenAI want. */
export function parseArgs(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return isObject(v) ? v : { value: v };
  } catch {
    return {};
  }
}

/** `{key: v}` when v is defined, else nothing (keys are ours, never from input). */
export function opt<K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}

/**
 * The key the catalog entry names (`api_key_env`) read from the environment: undefined when the
 * entry names no variable, an auth failure when it names one that is not set.
 */
export function catalogKey(ctx: Pick<PrepareContext, 'entry' | 'env'>): { key: string | undefined } | { failed: Classified } {
  const env = ctx.entry.api_key_env;
  const key = env ? ctx.env[env] : undefined;
  if (env && !key) {
    const m = missingKey(env, ctx.entry);
    return { failed: failure(m.status, 'auth', m.message) };
  }
  return { key };
}
