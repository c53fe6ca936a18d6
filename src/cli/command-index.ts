import type { Command } from 'commander';
import type { CliContext } from './context.js';

type Register = (program: Command, ctx: CliContext) => void;

/** One command file: how to load its `register…` function and the top-level commands it adds. */
export interface CommandModule {
  load: () => Promise<Register>;
  /** name → [help term as the real command prints it, description]. */
  commands: Readonly<Record<string, readonly [term: string, description: string]>>;
}

/**
 * Every command, cheap to list: `routelab --help` prints this table without importing any command
 * file, and `routelab <name> …` imports only the file that registers <name> (and so only the
 * libraries it needs: ink and react for the dashboard, bullmq for the worker). A new command file is
 * one entry here; test/unit/cli/command-index.test.ts checks the table against the real commands.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    load: async () => (await import('./commands/policy.js')).registerPolicy,
    commands: { policy: ['policy', 'Routing policies: add, import, export, inspect, simulate'] },
  },
  {
    load: async () => (await import('./commands/models.js')).registerModels,
    commands: { models: ['models', 'The model catalog: endpoints, key variables, prices, limits'] },
  },
  {
    load: async () => (await import('./commands/traffic.js')).registerTraffic,
    commands: { traffic: ['traffic', 'Import production traffic (redacted) and draw samples to replay'] },
  },
  {
    load: async () => (await import('./commands/golden.js')).registerGolden,
    commands: { golden: ['golden', 'Golden sets: cases with references and assertions to score answers against'] },
  },
  {
    load: async () => (await import('./commands/outcomes.js')).registerOutcomes,
    commands: { outcomes: ['outcomes', 'Recorded per-model outcomes (RouterBench CSV, JSONL): runs over them call no model'] },
  },
  {
    load: async () => (await import('./commands/run.js')).registerRun,
    commands: { run: ['run [options]', 'Replay cases across the policy and its variants: each (case, model) fetched once'] },
  },
  {
    load: async () => (await import('./commands/runs.js')).registerRuns,
    commands: { runs: ['runs', 'List and inspect runs'] },
  },
  {
    load: async () => (await import('./commands/worker.js')).registerWorker,
    commands: { worker: ['worker [options]', 'Process run jobs from Redis (needs REDIS_URL and DATABASE_URL)'] },
  },
  {
    load: async () => (await import('./commands/schedule.js')).registerSchedule,
    commands: { schedule: ['schedule', 'Nightly runs on BullMQ job schedulers (needs REDIS_URL)'] },
  },
  {
    load: async () => (await import('./commands/propose.js')).registerPropose,
    commands: {
      propose: ['propose [options]', 'Propose weights (and per-segment rules) for a run, checked on its holdout'],
      report: ['report [options] <run>', 'Write a run report: reports/<run-id>/report.md plus SVG charts'],
    },
  },
  {
    load: async () => (await import('./commands/proposals.js')).registerProposals,
    commands: { proposals: ['proposals', 'list or show proposals (read-only)'] },
  },
  {
    load: async () => (await import('./commands/dashboard.js')).registerDashboard,
    commands: {
      dashboard: ['dashboard [options]', 'review runs and proposals; approve, promote, roll back (plain tables when not a TTY)'],
    },
  },
  {
    load: async () => (await import('./commands/approve.js')).registerApprove,
    commands: { approve: ['approve [options] <P>', 'approve a pending proposal (records who, when and the comment)'] },
  },
  {
    load: async () => (await import('./commands/reject.js')).registerReject,
    commands: { reject: ['reject [options] <P>', 'reject a pending proposal (records who, when and the comment)'] },
  },
  {
    load: async () => (await import('./commands/promote.js')).registerPromote,
    commands: { promote: ['promote [options] <P>', 'make an approved proposal the active version and export it to the production sink'] },
  },
  {
    load: async () => (await import('./commands/rollback.js')).registerRollback,
    commands: { rollback: ['rollback [options]', 'export, deploy and activate an earlier version (default: the last one deployed)'] },
  },
  {
    load: async () => (await import('./commands/trends.js')).registerTrends,
    commands: { trends: ['trends [options]', 'Quality, cost, p95 latency and errors per model and variant across runs'] },
  },
  {
    load: async () => (await import('./commands/serve.js')).registerServe,
    commands: {
      serve: [
        'serve [options]',
        'OpenAI-compatible gateway: model "policy/<name>" runs the active version;\na catalog model name passes through. Needs a key (routelab keys create).',
      ],
    },
  },
  {
    load: async () => (await import('./commands/keys.js')).registerKeys,
    commands: { keys: ['keys', 'Gateway API keys for `routelab serve` (stored hashed; shown once)'] },
  },
  {
    load: async () => (await import('./commands/demo.js')).registerDemo,
    commands: {
      demo: [
        'demo [options]',
        'Run the nightly loop on the bundled demo data: import, sample, replay 3 variants on simulated models, propose, report',
      ],
    },
  },
];

/** The command a command line names: its first operand (`help <name>` names <name>). */
export function commandNamed(args: readonly string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}
