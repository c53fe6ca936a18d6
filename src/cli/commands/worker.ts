import type { Command } from 'commander';
import { runUntilSignalled, startRoutelabWorker } from '../../app/worker.js';
import { InputError } from '../../domain/errors.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note } from '../output.js';

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('Process run jobs from Redis (needs REDIS_URL and DATABASE_URL)')
    .option('--concurrency <k>', 'jobs at once', parseIntOption('--concurrency'), 2)
    .action(async (flags: { concurrency: number }) => {
      if (flags.concurrency < 1) throw new InputError('--concurrency: must be at least 1');
      const log = (line: string) => note(ctx, line);
      const worker = await startRoutelabWorker({ env: ctx.env, concurrency: flags.concurrency, log });
      await runUntilSignalled(worker, log);
    });
}
