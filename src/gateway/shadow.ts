import type { CatalogEntry } from '../domain/catalog-entry.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';
import type { RequestContext } from '../policy/index.js';
import type { Store } from '../store/db.js';
import { shadowOutcomes } from '../store/schema/gateway.js';
import type { ParsedChat } from './chat-request.js';
import { routePolicy, type RouteDeps } from './route-request.js';
import { createLocalState } from './shared-state.js';
import { CancelScope } from './upstream.js';

/**
 * `serve --shadow VARIANT --shadow-rate R`: after the client has its answer, a sample of the
 * requests for the variant's policy (same `name`) is sent again through the variant, with its own
 * router state (it charges no live budget), and what it did is stored in `shadow_outcomes` next to
 * the served traffic record, for the nightly to compare. Bounded: past `maxInFlight` shadow calls a
 * sampled request is skipped and counted, so shadowing never queues behind live traffic.
 */
export interface ShadowOptions {
  spec: PolicySpec;
  /** The live policy whose requests are copied (default: the variant's own name). */
  of?: string;
  /** How the variant was named on the command line (a policy name or file), stored with each outcome. */
  label?: string;
  rate: number;
  store: Store;
  deps: Omit<RouteDeps, 'state'>;
  rng: Rng;
  maxInFlight?: number;
}

export interface Shadow {
  /** The policy the variant shadows. */
  policy: string;
  sampled(): boolean;
  run(input: {
    chat: ParsedChat;
    request: RequestContext;
    catalog: ReadonlyMap<string, CatalogEntry>;
    trafficId: string;
    live: { servedBy: string | null; status: number | null };
  }): void;
  drain(): Promise<void>;
}

export function createShadow(opts: ShadowOptions): Shadow {
  const deps: RouteDeps = { ...opts.deps, state: createLocalState() };
  const running = new Set<Promise<void>>();
  const max = opts.maxInFlight ?? 16;
  const policy = { name: opts.spec.name, versionId: 0, version: 0, spec: opts.spec };
  return {
    policy: opts.of ?? opts.spec.name,
    sampled: () => opts.rate > 0 && opts.rng.next() < opts.rate,
    run: (input) => {
      if (running.size >= max) {
        deps.metrics.shadow.inc(['skipped_busy']);
        return;
      }
      const job = (async () => {
        const out = await routePolicy(deps, policy, input.catalog, input.chat, input.request, new CancelScope());
        const result = out.kind === 'served' ? out.result : out.kind === 'failed' ? out.last : null;
        await opts.store.db.insert(shadowOutcomes).values({
          ts: new Date(input.request.timestamp_ms),
          trafficId: input.trafficId,
          policy: opts.of ?? opts.spec.name,
          variant: opts.label ?? opts.spec.name,
          servedBy: out.kind === 'served' ? out.model : null,
          status: result?.status ?? null,
          attempts: out.attempts.length,
          // Upstream time, summed over attempts as the served record's latency_ms is, so the nightly compares like with like.
          latencyMs: out.attempts.reduce((a, t) => a + t.latency_ms, 0),
          costUsd: result?.cost_usd ?? null,
          liveServedBy: input.live.servedBy,
          liveStatus: input.live.status,
        });
        deps.metrics.shadow.inc([out.kind]);
      })()
        .catch(() => deps.metrics.shadow.inc(['error']))
        .finally(() => running.delete(job));
      running.add(job);
    },
    drain: async () => {
      await Promise.all([...running]);
    },
  };
}
