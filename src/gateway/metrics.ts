/**
 * Prometheus text exposition, written by hand: a handful of counters and histograms do not need a
 * client library. Label values come from the catalog and policies; they are escaped as the format
 * requires. Keys of the maps are the joined label values (Maps, never plain objects).
 */
const BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

class Counter {
  readonly values = new Map<string, { labels: string[]; n: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: string[],
  ) {}
  inc(labels: string[] = [], by = 1): void {
    const key = labels.join('\u0000');
    const v = this.values.get(key);
    if (v) v.n += by;
    else this.values.set(key, { labels, n: by });
  }
  get(labels: string[] = []): number {
    return this.values.get(labels.join('\u0000'))?.n ?? 0;
  }
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    if (this.values.size === 0 && this.labelNames.length === 0) out.push(`${this.name} 0`);
    for (const v of this.values.values()) out.push(`${this.name}${labelText(this.labelNames, v.labels)} ${v.n}`);
  }
}

class Histogram {
  readonly series = new Map<string, { labels: string[]; buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: string[],
  ) {}
  observe(labels: string[], seconds: number): void {
    const key = labels.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { labels, buckets: BUCKETS_S.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < BUCKETS_S.length; i++) if (seconds <= (BUCKETS_S[i] as number)) (s.buckets[i] as number)++;
    s.sum += seconds;
    s.count++;
  }
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const s of this.series.values()) {
      BUCKETS_S.forEach((le, i) =>
        out.push(`${this.name}_bucket${labelText([...this.labelNames, 'le'], [...s.labels, String(le)])} ${s.buckets[i]}`),
      );
      out.push(`${this.name}_bucket${labelText([...this.labelNames, 'le'], [...s.labels, '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, s.labels)} ${s.sum}`);
      out.push(`${this.name}_count${labelText(this.labelNames, s.labels)} ${s.count}`);
    }
  }
}

function labelText(names: string[], values: string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`).join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function createMetrics() {
  const m = {
    requests: new Counter('routelab_gateway_requests_total', 'Chat completion requests by model asked for and response status', [
      'model',
      'status',
    ]),
    attempts: new Counter('routelab_gateway_attempts_total', 'Upstream attempts by catalog model and status', ['model', 'status']),
    retries: new Counter('routelab_gateway_retries_total', 'Attempts that retried the same target', ['policy']),
    fallbacks: new Counter('routelab_gateway_fallbacks_total', 'Attempts that moved on to another target', ['policy']),
    guardrailBlocks: new Counter('routelab_gateway_guardrail_blocks_total', 'Requests blocked by a guardrail', ['policy']),
    guardrailFlags: new Counter('routelab_gateway_guardrail_flags_total', 'Requests flagged by a guardrail', ['policy']),
    budgetBlocks: new Counter('routelab_gateway_budget_blocks_total', 'Requests blocked by a used-up budget', ['policy']),
    rejected: new Counter('routelab_gateway_rejected_total', 'Requests refused before routing (auth, limits, overload)', ['reason']),
    logged: new Counter('routelab_gateway_traffic_logged_total', 'Traffic records written to the store', []),
    logDropped: new Counter(
      'routelab_gateway_traffic_dropped_total',
      'Traffic records dropped because the log buffer was full or a write failed',
      [],
    ),
    shadow: new Counter('routelab_gateway_shadow_total', 'Shadow requests by outcome', ['outcome']),
    latency: new Histogram('routelab_gateway_request_duration_seconds', 'Whole request time by the model that answered', ['model']),
    upstream: new Histogram('routelab_gateway_upstream_duration_seconds', 'Upstream attempt time by catalog model', ['model']),
    render(): string {
      const out: string[] = [];
      for (const c of [
        m.requests,
        m.attempts,
        m.retries,
        m.fallbacks,
        m.guardrailBlocks,
        m.guardrailFlags,
        m.budgetBlocks,
        m.rejected,
        m.logged,
        m.logDropped,
        m.shadow,
      ])
        c.render(out);
      m.latency.render(out);
      m.upstream.render(out);
      return `${out.join('\n')}\n`;
    },
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
