import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../policy/index.js';
import { estimateTokens } from '../replay/token-estimate.js';
import { parseChatText, type ParsedChat } from './chat-request.js';
import type { GatewayRuntime } from './gateway.js';
import { headerOf, sendError, sendJson } from './gateway.js';
import { GatewayError, typeForStatus } from './openai-error.js';
import { callModel, routePolicy, type RouteOutcome } from './route-request.js';
import type { ServedExchange } from './served-record.js';
import { completionBody, completionStream, SseSink } from './sse.js';
import { servedRecordId } from './traffic-log.js';
import { CancelScope } from './upstream.js';

const POLICY_PREFIX = 'policy/';

/** POST /v1/chat/completions: authenticate, read and check the body, route, answer, then log. */
export async function handleChat(rt: GatewayRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const startedAt = Date.now();
  const key = await rt.access.authenticate(headerOf(req, 'authorization'));
  const body = await readBody(req, rt.opts.maxBodyBytes ?? 1024 * 1024);
  const chat = parseChatText(body);
  const snapshot = rt.registry.current();
  const policyName = chat.model.startsWith(POLICY_PREFIX) ? chat.model.slice(POLICY_PREFIX.length) : null;
  const project = chat.metadata.get('project') ?? (key && key.projects.length === 1 ? key.projects[0] : undefined);
  rt.access.authorize(key, { policy: policyName, project });
  const policy = policyName === null ? undefined : snapshot.policies.get(policyName);
  const entry = policyName === null ? snapshot.catalog.get(chat.model) : undefined;
  if (policyName !== null && !policy)
    throw new GatewayError(
      404,
      `no active policy named "${policyName}" (routelab policy list)`,
      'invalid_request_error',
      'model_not_found',
      'model',
    );
  if (policyName === null && !entry)
    throw new GatewayError(
      404,
      `model "${chat.model}" is neither policy/<name> nor in the catalog (routelab models list)`,
      'invalid_request_error',
      'model_not_found',
      'model',
    );

  // Untrusted keys: a prototype-free object, as the router reads `metadata.<field>`.
  const metadata = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of chat.metadata) metadata[k] = v;
  if (chat.user !== undefined) metadata.user = chat.user;
  if (project !== undefined) metadata.project = project;
  const request: RequestContext = {
    metadata,
    params: chat.params,
    input_tokens: estimateTokens(chat.messages),
    timestamp_ms: startedAt,
    ...(project === undefined ? {} : { project }),
  };

  const cancel = new CancelScope();
  res.on('close', () => {
    if (!res.writableFinished) cancel.cancel();
  });
  const id = servedRecordId();
  const headers: Record<string, string> = { 'x-routelab-request-id': id };
  if (policy) headers['x-routelab-policy-version'] = `${policy.name}@${policy.version}`;
  const sink = chat.stream ? new SseSink(res, headers, chat.includeUsage) : undefined;
  const outcome = policy
    ? await routePolicy(rt.route, policy, snapshot.catalog, chat, request, cancel, sink)
    : await callModel(rt.route, entry as NonNullable<typeof entry>, chat, cancel, sink);

  if (outcome.flagged) headers['x-routelab-guardrail'] = 'flagged';
  if (policy && outcome.flagged) rt.metrics.guardrailFlags.inc([policy.name]);
  const status = sink?.opened ? sink.finish(outcome) : respond(rt, res, outcome, chat, id, headers, policy?.name ?? '');
  const seconds = (performance.now() - started) / 1000;
  rt.metrics.requests.inc([chat.model, String(status)]);
  rt.metrics.latency.observe([outcome.kind === 'served' ? outcome.model : 'none'], seconds);
  rt.opts.log?.({
    ts: new Date(startedAt).toISOString(),
    id,
    model: chat.model,
    key: key?.name ?? null,
    outcome: outcome.kind,
    served_by: outcome.kind === 'served' ? outcome.model : null,
    status,
    attempts: outcome.attempts.length,
    ms: Math.round(seconds * 1000),
  });

  // After the answer: log back and shadow, never on the client's time.
  const live = { servedBy: outcome.kind === 'served' ? outcome.model : null, status };
  const shadowed = policy && rt.shadow && rt.shadow.policy === policy.name && rt.shadow.sampled();
  const logged = rt.trafficLog && (shadowed || rt.logRng.next() < (rt.opts.logSampleRate ?? 1));
  if (logged) rt.trafficLog?.log(exchangeOf(id, startedAt, body, project, outcome, policy, key?.name ?? null, status));
  if (shadowed && rt.trafficLog) rt.shadow?.run({ chat, request, catalog: snapshot.catalog, trafficId: id, live });
}

function respond(
  rt: GatewayRuntime,
  res: ServerResponse,
  outcome: RouteOutcome,
  chat: ParsedChat,
  id: string,
  headers: Record<string, string>,
  policy: string,
): number {
  headers['x-routelab-attempts'] = String(outcome.attempts.length);
  switch (outcome.kind) {
    case 'served': {
      headers['x-routelab-served-by'] = outcome.model;
      const created = Math.floor(Date.now() / 1000);
      if (chat.stream) {
        const body = completionStream(`chatcmpl-${id}`, created, outcome.model, outcome.result, chat.includeUsage);
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
        res.end(body);
      } else sendJson(res, 200, completionBody(`chatcmpl-${id}`, created, outcome.model, outcome.result), headers);
      return 200;
    }
    case 'blocked': {
      const guard = outcome.blocked === 'guardrail';
      (guard ? rt.metrics.guardrailBlocks : rt.metrics.budgetBlocks).inc([policy]);
      const e = guard
        ? new GatewayError(400, `blocked by policy ${policy}: ${outcome.reasons.join('; ')}`, 'invalid_request_error', 'guardrail_blocked')
        : new GatewayError(429, `policy ${policy}: ${outcome.reasons.join('; ')}`, 'rate_limit_error', 'budget_exceeded');
      sendError(res, e, headers);
      return e.status;
    }
    case 'skipped': {
      const e = new GatewayError(
        400,
        `policy ${policy} did not route this request: ${outcome.reasons.join('; ')}`,
        'invalid_request_error',
        `policy_${outcome.skipped}`,
      );
      sendError(res, e, headers);
      return e.status;
    }
    case 'failed': {
      const upstream = outcome.last?.status ?? 502;
      const status = upstream >= 400 && upstream <= 599 ? upstream : 502;
      const why = outcome.last?.error?.message ?? `upstream status ${upstream}`;
      const e = new GatewayError(
        status,
        `no target answered (${outcome.attempts.map((a) => `${a.model} ${a.status}`).join(', ')}): ${why}`,
        typeForStatus(status),
        'upstream_failed',
      );
      sendError(res, e, headers);
      return status;
    }
  }
}

/** The body, read with stream events (an async iterator costs more per request than the parsing). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        req.resume();
        return reject(tooLarge(maxBytes));
      }
      chunks.push(chunk);
    });
    req.on('error', (e) => {
      failed = true;
      reject(e);
    });
    req.on('end', () => {
      if (failed) return;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    413,
    `the request body is larger than ${maxBytes} bytes (serve --max-body-bytes)`,
    'invalid_request_error',
    'request_too_large',
  );
}

/** What the traffic log needs of this exchange (it builds the record off the request path). */
function exchangeOf(
  id: string,
  startedAt: number,
  body: string,
  project: string | undefined,
  outcome: RouteOutcome,
  policy: { name: string; version: number } | undefined,
  key: string | null,
  status: number,
): ServedExchange {
  const result = outcome.kind === 'served' ? outcome.result : outcome.kind === 'failed' ? outcome.last : null;
  return {
    id,
    startedAt,
    body,
    project,
    key,
    status,
    policy: policy?.name ?? null,
    policyVersion: policy?.version ?? null,
    outcome: outcome.kind,
    servedBy: outcome.kind === 'served' ? outcome.model : null,
    output: result?.output ?? null,
    inputTokens: result?.input_tokens ?? null,
    outputTokens: result?.output_tokens ?? null,
    costUsd: result?.cost_usd ?? null,
    attempts: outcome.attempts,
    reasons: outcome.reasons,
    flagged: outcome.flagged,
    blocked: outcome.kind === 'blocked' ? outcome.blocked : null,
    propensity: outcome.kind === 'served' || outcome.kind === 'failed' ? outcome.propensity : 1,
  };
}
