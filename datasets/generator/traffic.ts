import { inputKey, type Message, type Rng } from '../../src/domain/index.js';
import { createRedactor } from '../../src/redact/redact-text.js';
import type { DemoCase, Intent } from './demo-case.js';
import { CURRENT_MIX, FLEET } from './fleet.js';
import { pick, token, weighted } from './pick.js';

/** Share of each intent in production traffic. */
const INTENT_MIX: Array<[Intent, number]> = [
  ['support', 0.35], ['coding', 0.15], ['extraction', 0.15], ['classification', 0.15], ['arithmetic', 0.1], ['summarization', 0.1],
];

const PARAMS: Record<Intent, { temperature: number; max_tokens: number }> = {
  support: { temperature: 0.3, max_tokens: 400 },
  coding: { temperature: 0.2, max_tokens: 800 },
  extraction: { temperature: 0, max_tokens: 300 },
  arithmetic: { temperature: 0, max_tokens: 300 },
  classification: { temperature: 0, max_tokens: 5 },
  summarization: { temperature: 0.3, max_tokens: 200 },
};

const PROJECTS: Record<Intent, string[]> = {
  support: ['help-center', 'in-app-chat'],
  coding: ['dev-portal'],
  extraction: ['billing-ops'],
  arithmetic: ['billing-ops', 'help-center'],
  classification: ['ticket-triage'],
  summarization: ['incident-desk'],
};

const CHANNELS = ['web', 'web', 'web', 'slack', 'api', 'email'];

/** Rewordings a real user makes: the request is no longer byte-identical to a golden input. */
const REWORDINGS: Array<(s: string, rng: Rng) => string> = [
  (s) => `hi, ${s[0]?.toLowerCase()}${s.slice(1)}`,
  (s) => `${s} thanks!`,
  (s) => s.toLowerCase(),
  (s) => `${s}\n\nSent from my phone`,
  (s) => s.replace(/\?$/, '??'),
  (s) => `Quick question: ${s}`,
];

/** Secrets and PII users paste into chats; the importer must redact every one of them. */
const LEAKS: Array<(rng: Rng) => string> = [
  (rng) => `You can reach me at ${pick(rng, ['maya.okafor', 'j.lindqvist', 'priya.r', 'tomasz.k'])}@${pick(rng, ['fernleaf.io', 'quayside-analytics.com', 'orbitcart.shop'])} if that is easier.`,
  (rng) => `Our key is sk-proj-${token(rng, 12)}${token(rng, 12).toUpperCase()}${token(rng, 12)} \u2014 is it safe to paste it here?`,
  (rng) => `Call me on +1 415 555 0${100 + rng.int(900)} if needed.`,
  () => 'The card ending 4242 was charged twice; full number 4242 4242 4242 4242 if you need it.',
  (rng) => `My phone is +44 20 7946 0${100 + rng.int(900)}, e-mail ops@${pick(rng, ['mapleworks.dev', 'pixelhatch.co'])}.`,
  (rng) => `I tried with Authorization: Bearer sk-live-${token(rng, 24)} and still got 401.`,
];

export interface TrafficOptions {
  lines: number;
  /** First day (UTC, inclusive) and number of days of timestamps. */
  start: string;
  days: number;
  /** Share of lines that are not byte-identical to a golden input. */
  unmatchedShare: number;
}

interface TrafficLine {
  timestamp: string;
  latency_ms: number;
  metadata: { intent: Intent; project: string; user: string; tags: string[] };
  request: { model: string; messages: Message[]; temperature: number; max_tokens: number };
  response: Record<string, unknown>;
  status_code?: number;
  error?: { code: string; message: string };
}

const Z95 = 1.6448536269514722;

function lognormal(rng: Rng, median: number, p95: number): number {
  const sigma = Math.log(p95 / median) / Z95;
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.max(40, Math.round(median * Math.exp(sigma * z)));
}

/** Requests per hour follow a working day in Europe and the Americas (UTC). */
function hourWeight(h: number): number {
  return 0.25 + Math.exp(-((h - 10) ** 2) / 18) + 0.9 * Math.exp(-((h - 16) ** 2) / 14);
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export interface GeneratedTraffic {
  lines: string[];
  /**
   * Fleet answers for the reworded requests, keyed by their messages as stored (redacted), which
   * is what a replay sends: the fleet answers a rewording like the question it rewords.
   */
  rewordedAnswers: Array<{ key: string; segment: Intent; correct: string; wrong: string }>;
}

export function generateTraffic(rng: Rng, cases: DemoCase[], opts: TrafficOptions): GeneratedTraffic {
  const redact = createRedactor();
  const reworded = new Map<string, { key: string; segment: Intent; correct: string; wrong: string }>();
  const byIntent = new Map<Intent, DemoCase[]>();
  for (const c of cases) byIntent.set(c.intent, [...(byIntent.get(c.intent) ?? []), c]);
  const users = Array.from({ length: 140 }, () => `u_${token(rng, 6)}`);
  const hours = Array.from({ length: 24 }, (_, h) => [h, hourWeight(h)] as const);
  const startMs = Date.parse(`${opts.start}T00:00:00Z`);
  const fleet = new Map(FLEET.map((m) => [m.name, m]));

  const lines: TrafficLine[] = [];
  for (let i = 0; i < opts.lines; i++) {
    const intent = weighted(rng, INTENT_MIX);
    const pool = byIntent.get(intent) ?? [];
    // Popular questions are asked far more often than rare ones (a Zipf-like tail).
    const c = weighted(rng, pool.map((p, rank) => [p, 1 / (1 + rank * 0.12)] as const));
    let messages = c.golden.input.messages.map((m) => ({ ...m }));
    const isRewording = rng.next() < opts.unmatchedShare;
    if (isRewording) {
      const last = messages[messages.length - 1] as Message;
      let content = pick(rng, REWORDINGS)(last.content, rng);
      if (rng.next() < 0.45) content = `${content} ${pick(rng, LEAKS)(rng)}`;
      messages = [...messages.slice(0, -1), { ...last, content }];
      const key = inputKey(messages.map((m) => ({ role: m.role, content: redact(m.content).text })));
      reworded.set(key, { key, segment: intent, correct: c.correct, wrong: c.wrong });
    }
    const day = rng.int(opts.days);
    const hour = weighted(rng, hours.map(([h, w]) => [h, w] as const));
    const ms = startMs + day * 86_400_000 + hour * 3_600_000 + rng.int(3_600_000);
    const served = weighted(rng, CURRENT_MIX);
    const model = fleet.get(served);
    if (!model) throw new Error(`unknown model ${served}`);
    const params = PARAMS[intent];
    const user = pick(rng, users);
    const tags = [pick(rng, CHANNELS), ...(rng.next() < 0.1 ? ['beta'] : [])];
    const promptTokens = tokens(messages.map((m) => m.content).join('\n'));
    const id = `chatcmpl-${token(rng, 20)}`;
    const created = Math.floor(ms / 1000);
    const drawn = weighted(rng, [[null, 0.958], [429, 0.02], [503, 0.012], [408, 0.01]] as const);
    // A rewording matches no golden case, so its reference is what production answered: only
    // requests with a golden case fail, so that every sampled request can be scored.
    const failure = isRewording ? null : drawn;
    const base: Omit<TrafficLine, 'response' | 'latency_ms'> = {
      timestamp: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      metadata: { intent, project: pick(rng, PROJECTS[intent]), user, tags },
      request: { model: 'policy/support-assistant', messages, temperature: params.temperature, max_tokens: params.max_tokens },
    };
    if (failure === null) {
      const quality = model.quality[intent] ?? model.quality.default ?? 0;
      const content = rng.next() < quality ? c.correct : c.wrong;
      const completion = tokens(content);
      lines.push({
        ...base,
        latency_ms: lognormal(rng, model.latency_ms.median, model.latency_ms.p95),
        response: {
          id, object: 'chat.completion', created, model: served,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion },
        },
      });
    } else {
      const error =
        failure === 429
          ? { code: 'rate_limit_exceeded', message: `Rate limit reached for ${served} on requests per minute. Please try again in 2s.`, type: 'requests' }
          : failure === 503
            ? { code: 'service_unavailable', message: `${served} is temporarily overloaded. Please retry.`, type: 'server_error' }
            : { code: 'timeout', message: 'Request timed out after 30000 ms.', type: 'timeout' };
      lines.push({
        ...base,
        latency_ms: failure === 408 ? 30_000 : failure === 429 ? 40 + rng.int(80) : lognormal(rng, 200, 900),
        status_code: failure,
        error: { code: error.code, message: error.message },
        response: { id, object: 'error', created, model: served, error },
      });
    }
  }
  lines.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return { lines: lines.map((l) => JSON.stringify(l)), rewordedAnswers: [...reworded.values()] };
}
