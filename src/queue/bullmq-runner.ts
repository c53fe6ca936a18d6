import { DelayedError, FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { connectionOptions, type QueueConfig } from './connection.js';
import { AggregatePayload, aggregateJobId, ChunkPayload, chunkJobId, chunkOfJobKey, NightlyPayload } from './payloads.js';
import { JOB_ATTEMPTS, TRANSIENT_WINDOW_MS, transientDelayMs, type Processors } from './processor-port.js';

/** Bounded history: Redis must not grow with every nightly run. */
const KEEP = { removeOnComplete: { count: 1000, age: 7 * 24 * 3600 }, removeOnFail: { count: 5000, age: 30 * 24 * 3600 } };
const RETRY = { attempts: JOB_ATTEMPTS, backoff: { type: 'exponential' as const, delay: 500 } };

/**
 * Enqueue a planned run as one flow: the aggregate job is the parent, one child per chunk. A child
 * that fails after its attempts is ignored as a dependency (its cases become recorded failures) so
 * the parent still runs. Job ids come from the run id: enqueuing the same run twice adds nothing.
 */
export async function enqueueRun(config: QueueConfig, runId: string, chunks: readonly number[]): Promise<void> {
  const flow = new FlowProducer({ connection: connectionOptions(config.url), prefix: config.prefix });
  try {
    await flow.add({
      name: 'aggregate',
      queueName: config.queueName,
      data: AggregatePayload.parse({ run_id: runId }),
      opts: { jobId: aggregateJobId(runId), ...RETRY, ...KEEP },
      children: chunks.map((chunk) => ({
        name: 'chunk',
        queueName: config.queueName,
        data: ChunkPayload.parse({ run_id: runId, chunk }),
        opts: { jobId: chunkJobId(runId, chunk), ignoreDependencyOnFailure: true, ...RETRY, ...KEEP },
      })),
    });
  } finally {
    await flow.close();
  }
}

export interface WorkerOptions {
  concurrency?: number;
  /** How long a job's lock lives without renewal; a SIGKILLed worker's job is retried after about this. */
  lockDurationMs?: number;
  onError?: (error: Error) => void;
}

/**
 * A BullMQ worker over the processors: parse the payload, call the processor, nothing else. A job
 * left behind by a killed worker is found stalled and redelivered (maxStalledCount 2); processors are
 * idempotent, so redelivery never double-counts.
 */
export function startWorker(config: QueueConfig, processors: Processors, options: WorkerOptions = {}): Worker {
  const lock = options.lockDurationMs ?? 30_000;
  const worker = new Worker(config.queueName, (job, token) => dispatchRidingOutFaults(config, processors, job, token), {
    connection: connectionOptions(config.url),
    prefix: config.prefix,
    concurrency: options.concurrency ?? 2,
    lockDuration: lock,
    stalledInterval: Math.max(1000, Math.floor(lock / 2)),
    maxStalledCount: 2,
    ...KEEP,
  });
  worker.on('failed', (job, error) => {
    if (!job || job.name !== 'aggregate' || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    processors
      .runFailed(AggregatePayload.parse(job.data), error.message)
      .catch((e: unknown) => options.onError?.(e instanceof Error ? e : new Error(String(e))));
  });
  worker.on('error', (e) => options.onError?.(e));
  return worker;
}

/** Transient faults in a row per job, in this worker (a redelivery elsewhere starts again at 1 s). */
const transientStreak = new Map<string, number>();

/**
 * A transient fault (the database connection lost, e.g. Postgres restarting) must not use up the
 * job's attempts — three quick retries would be spent in a three-second outage. The job is moved
 * back to delayed and tried again, for up to TRANSIENT_WINDOW_MS after it was created.
 */
async function dispatchRidingOutFaults(config: QueueConfig, processors: Processors, job: Job, token: string | undefined): Promise<void> {
  const key = job.id ?? '';
  try {
    await dispatch(config, processors, job);
    transientStreak.delete(key);
  } catch (e) {
    const transient = processors.isTransient?.(e) === true && Date.now() - job.timestamp < TRANSIENT_WINDOW_MS;
    if (!transient || token === undefined) {
      transientStreak.delete(key);
      throw e;
    }
    const k = transientStreak.get(key) ?? 0;
    transientStreak.set(key, k + 1);
    await job.moveToDelayed(Date.now() + transientDelayMs(k), token);
    throw new DelayedError();
  }
}

async function dispatch(config: QueueConfig, processors: Processors, job: Job): Promise<void> {
  switch (job.name) {
    case 'chunk':
      return processors.chunk(ChunkPayload.parse(job.data));
    case 'aggregate': {
      const payload = AggregatePayload.parse(job.data);
      const failed = await job.getIgnoredChildrenFailures();
      for (const [key, reason] of Object.entries(failed)) {
        const chunk = chunkOfJobKey(key);
        if (chunk !== undefined) await processors.chunkFailed({ run_id: payload.run_id, chunk }, String(reason));
      }
      return processors.aggregate(payload);
    }
    case 'nightly': {
      const planned = await processors.nightly(NightlyPayload.parse(job.data), slotOf(job));
      if (planned) await enqueueRun(config, planned.run_id, planned.chunks);
      return;
    }
    default:
      throw new Error(`unknown job "${job.name}"`);
  }
}

/** The scheduled time a scheduler-produced job stands for: the same for every redelivery of it. */
export function slotOf(job: Job): string {
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  const fromId = /:(\d+)$/.exec(job.id ?? '')?.[1];
  const ms = prev ?? (fromId ? Number(fromId) : job.timestamp + (job.opts.delay ?? 0));
  return new Date(ms).toISOString();
}

/** Open a Queue handle (schedules, inspection). Close it after use. */
export function openQueue(config: QueueConfig): Queue {
  return new Queue(config.queueName, { connection: connectionOptions(config.url), prefix: config.prefix });
}
