import { NightlyPayload } from './payloads.js';
import { openQueue } from './bullmq-runner.js';
import type { QueueConfig } from './connection.js';

export interface ScheduleInfo {
  id: string;
  cron: string | null;
  tz: string | null;
  next: string | null;
  payload: NightlyPayload | null;
}

/** One scheduler per policy: registering the same policy twice (two processes) updates, never duplicates. */
export const nightlySchedulerId = (policy: string) => `nightly-${policy}`;

export async function upsertNightly(
  config: QueueConfig,
  cron: string,
  tz: string | undefined,
  payload: NightlyPayload,
): Promise<ScheduleInfo> {
  const queue = openQueue(config);
  try {
    const id = nightlySchedulerId(payload.policy);
    await queue.upsertJobScheduler(
      id,
      { pattern: cron, ...(tz ? { tz } : {}) },
      { name: 'nightly', data: NightlyPayload.parse(payload), opts: { attempts: 3, backoff: { type: 'exponential', delay: 1000 } } },
    );
    const s = await queue.getJobScheduler(id);
    return { id, cron, tz: tz ?? null, next: s?.next ? new Date(s.next).toISOString() : null, payload };
  } finally {
    await queue.close();
  }
}

export async function listNightly(config: QueueConfig): Promise<ScheduleInfo[]> {
  const queue = openQueue(config);
  try {
    const all = await queue.getJobSchedulers(0, -1, true);
    return all.map((s) => {
      const parsed = NightlyPayload.safeParse(s.template?.data);
      return {
        id: s.key,
        cron: s.pattern ?? null,
        tz: s.tz ?? null,
        next: s.next ? new Date(s.next).toISOString() : null,
        payload: parsed.success ? parsed.data : null,
      };
    });
  } finally {
    await queue.close();
  }
}

export async function removeNightly(config: QueueConfig, policy: string): Promise<boolean> {
  const queue = openQueue(config);
  try {
    return await queue.removeJobScheduler(nightlySchedulerId(policy));
  } finally {
    await queue.close();
  }
}
