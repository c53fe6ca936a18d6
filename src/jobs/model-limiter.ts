/**
 * At most `limit` calls in flight per model in this process (the catalog's `concurrency`), shared by
 * every chunk the process runs: a worker with several chunk jobs must not exceed what the provider
 * allows. Each worker process enforces it on its own; rates per minute are rate-limiter.ts's.
 */
export interface ModelLimiter {
  run<T>(model: string, limit: number, fn: () => Promise<T>): Promise<T>;
}

export function createModelLimiter(): ModelLimiter {
  const lanes = new Map<string, { active: number; waiting: Array<() => void> }>();
  return {
    async run(model, limit, fn) {
      let lane = lanes.get(model);
      if (!lane) lanes.set(model, (lane = { active: 0, waiting: [] }));
      const l = lane;
      while (l.active >= Math.max(1, limit)) await new Promise<void>((resolve) => l.waiting.push(resolve));
      l.active++;
      try {
        return await fn();
      } finally {
        l.active--;
        l.waiting.shift()?.();
      }
    },
  };
}
