import type { Command } from 'commander';
import { runServe, type ServeFlags } from '../../gateway/run-serve.js';
import { parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';

/** `routelab serve`: parse flags, run the gateway until SIGINT/SIGTERM (then drain and exit). */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'OpenAI-compatible gateway: model "policy/<name>" runs the active version;\na catalog model name passes through. Needs a key (routelab keys create).',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', parseIntOption('--port'), 4000)
    .option('--allow-anonymous', 'accept requests without a key (loopback host only)')
    .option('--shadow <variant>', 'copy a sample of live requests to this policy name or file')
    .option('--shadow-rate <rate>', 'share of requests shadowed, in (0, 1] (default 0.05)', parseNumberOption('--shadow-rate'))
    .option('--shadow-of <policy>', 'live policy whose requests are shadowed (default: the variant name)')
    .option('--no-log-traffic', 'do not write served requests back as traffic')
    .option('--log-sample-rate <rate>', 'share of served requests written back as traffic', parseNumberOption('--log-sample-rate'), 1)
    .option('--redact-config <file>', 'redaction patterns for logged traffic (default .routelab/redact.yaml if present)')
    .option('--reload-ms <ms>', 'how often active versions are checked (hot reload)', parseIntOption('--reload-ms'), 250)
    .option('--max-body-bytes <n>', 'largest request body accepted', parseIntOption('--max-body-bytes'), 1024 * 1024)
    .option('--max-in-flight <n>', 'requests at once before 503 + Retry-After', parseIntOption('--max-in-flight'), 1024)
    .option('--upstream-timeout-ms <ms>', 'deadline of each upstream attempt', parseIntOption('--upstream-timeout-ms'), 120_000)
    .addHelpText(
      'after',
      '\nShared state: set REDIS_URL so several instances share round robin and budgets.\nEndpoints: POST /v1/chat/completions, GET /v1/models, /healthz, /readyz, /metrics.',
    )
    .action(async (flags: ServeFlags) => {
      const untilStopped = () =>
        new Promise((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      await runServe(flags, { store: await ctx.store(), env: ctx.env, write: (line) => ctx.stderr.write(`${line}\n`), untilStopped });
    });
}
