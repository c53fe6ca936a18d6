import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { ExportFormat, exportPolicy } from '../../policy/index.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import {
  approveProposal,
  listProposalRows,
  promoteProposal,
  proposalSpec,
  recordPromotionExports,
  rejectProposal,
  revertPromotion,
  rollbackPolicy,
  type PromotionResult,
} from '../../store/repos/review-repo.js';
import type { DashboardActions } from '../../dashboard/data/dashboard-source.js';
import { loadProposal } from '../../dashboard/data/load-proposal.js';
import { fmtDate } from '../../dashboard/view/format.js';
import { buildProposalView } from '../../dashboard/view/proposal-view.js';
import { lineText } from '../../dashboard/view/styled-line.js';
import { ProposalStatus } from '../../domain/proposal.js';
import { canonicalSpec } from '../../dashboard/view/yaml-diff.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { printList, println, table } from '../output.js';
import { announceServingChange } from '../../gateway/serving-notify.js';

/**
 * approve / reject / promote / rollback / dashboard. Promotion is the one place that touches the
 * world outside the database: after the version switch commits, the export is written to the
 * production sink and the user's import command runs; if either fails the switch is reverted.
 */

export const EXPORT_FORMATS = ExportFormat.options;
export const DEFAULT_PROMOTE_DIR = '.routelab/promoted';

export interface PromoteOptions {
  actor: string;
  comment?: string | null;
  out?: string;
  format?: ExportFormat;
}

const EXTENSION: Record<ExportFormat, string> = { watsonx: 'yaml', 'watsonx-json': 'json', portkey: 'json', litellm: 'yaml', orq: 'json' };

/** The production file. jsonb reorders keys, so the spec goes through its schema first. */
function exportText(spec: PolicySpec, format: ExportFormat): string {
  const result = exportPolicy(canonicalSpec(spec), format);
  if (!result.ok) throw new InputError(`--format ${format}: this policy cannot be written as ${format}`, result.error);
  return result.value;
}

/**
 * Split a command line into argv without a shell: whitespace separates, single and double quotes
 * group, backslash escapes the next character outside single quotes. No globbing, no expansion.
 */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) args.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new InputError(`ROUTELAB_PROMOTE_COMMAND: unbalanced ${quote} quote`);
  if (has) args.push(cur);
  return args;
}

/** Run argv[0] with the rest as arguments (no shell); resolve with the exit code and stderr tail. */
function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const [cmd, ...args] = argv;
    if (!cmd) return done({ code: 1, output: 'empty command' });
    const child = spawn(cmd, args, { shell: false, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => done({ code: 127, output: e.message }));
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), output }));
  });
}

export interface PromoteOutcome {
  promotion: PromotionResult;
  file: string;
  commandRan: boolean;
}

/**
 * Promote, export, run the import command; revert the promotion if the export or the command fails
 * (the error says so and the revert is recorded in promotions).
 */
export async function promoteWithSink(ctx: CliContext, proposalId: string, options: PromoteOptions): Promise<PromoteOutcome> {
  const format = options.format ?? 'watsonx';
  const dir = resolve(options.out ?? ctx.env.ROUTELAB_PROMOTE_DIR ?? DEFAULT_PROMOTE_DIR);
  const commandLine = ctx.env.ROUTELAB_PROMOTE_COMMAND?.trim();
  // Parse the command before anything changes, so a malformed one cannot leave a half promotion.
  const template = commandLine ? splitCommand(commandLine) : undefined;
  const { db } = await ctx.store();
  // Render the export first: a format that cannot express the policy is refused before any change.
  const text = exportText(await proposalSpec(db, proposalId), format);
  const promotion = await promoteProposal(db, proposalId, { actor: options.actor, comment: options.comment ?? null, at: new Date(ctx.clock.now()) });
  await announceServingChange(ctx, promotion.policyName);
  const fail = async (reason: string): Promise<never> => {
    await revertPromotion(db, promotion, { actor: options.actor, reason, at: new Date(ctx.clock.now()) });
    await announceServingChange(ctx, promotion.policyName);
    throw new Error(`promotion rolled back (version ${promotion.fromVersion} of ${promotion.policyName} is active again): ${reason}`);
  };
  const file = join(dir, `${safeFileName(promotion.policyName)}-v${promotion.toVersion}.${EXTENSION[format]}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    return fail(`export to ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  await recordPromotionExports(db, promotion.promotionId, [file]);
  if (template) {
    const argv = template.map((a) => a.split('{file}').join(file));
    const result = await runCommand(argv, ctx.env);
    if (result.code !== 0) {
      const tail = sanitizeInline(result.output).trim().slice(-300);
      return fail(`\`${sanitizeInline(argv.join(' '))}\` exited with ${result.code}${tail ? `: ${tail}` : ''}`);
    }
  }
  return { promotion, file, commandRan: Boolean(template) };
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'policy';
}

function parseFormat(value: string): ExportFormat {
  const parsed = ExportFormat.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(`--format: "${value}" is not one of ${EXPORT_FORMATS.join(', ')}`);
}

function requireProposalId(id: string | undefined): string {
  if (!id || !id.trim()) throw new InputError('P: name the proposal to act on (see `routelab dashboard`)');
  return id.trim();
}

/** What the dashboard's keys do: the same functions as the commands, bound to this context. */
export function dashboardActions(ctx: CliContext, actor: string): DashboardActions {
  const at = () => new Date(ctx.clock.now());
  return {
    approve: async (proposalId, comment) => {
      const { db } = await ctx.store();
      await approveProposal(db, proposalId, { actor, comment: comment || null, at: at() });
      return `approved ${proposalId} as ${actor}`;
    },
    reject: async (proposalId, comment) => {
      const { db } = await ctx.store();
      await rejectProposal(db, proposalId, { actor, comment: comment || null, at: at() });
      return `rejected ${proposalId} as ${actor}`;
    },
    promote: async (proposalId) => {
      const done = await promoteWithSink(ctx, proposalId, { actor });
      // The status bar is one line: the path relative to where the user started, when that is shorter.
      const rel = relative(process.cwd(), done.file);
      const shown = rel.length < done.file.length ? rel : done.file;
      return `promoted: ${sanitizeInline(done.promotion.policyName)} v${done.promotion.fromVersion} → v${done.promotion.toVersion}; wrote ${shown}`;
    },
    rollback: async (policyName) => {
      const { db } = await ctx.store();
      const r = await rollbackPolicy(db, policyName, { actor, at: at() });
      await announceServingChange(ctx, r.policyName);
      return `rolled back ${r.policyName}: v${r.fromVersion} → v${r.toVersion}`;
    },
  };
}

interface DecisionFlags {
  comment?: string;
  as?: string;
}

export function registerReview(program: Command, ctx: CliContext): void {
  const proposalsCmd = program.command('proposals').description('list or show proposals (read-only)');
  proposalsCmd
    .command('list')
    .description('proposals, newest first, with their status and who decided')
    .option('--status <status>', 'only this status (pending, approved, rejected, promoted, no_change)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { status?: string; json?: boolean }) => {
      if (flags.status !== undefined && !ProposalStatus.safeParse(flags.status).success) {
        throw new InputError(`--status: "${flags.status}" is not one of ${ProposalStatus.options.join(', ')}`);
      }
      const { db } = await ctx.store();
      printList(ctx, await listProposalRows(db, flags.status), {
        json: flags.json,
        empty: 'No proposals yet (routelab propose --run R).',
        table: (rows) =>
          table(
            ['proposal', 'policy', 'base', 'status', 'decided by', 'created (UTC)'],
            rows.map((r) => [r.id, sanitizeInline(r.policy), `v${r.baseVersion}`, r.status, sanitizeInline(r.decidedBy ?? '—'), fmtDate(r.createdAt)]),
          ),
      });
    });
  proposalsCmd
    .command('show')
    .description('weights, rules, predicted impact, rationale and the policy diff of one proposal')
    .argument('<P>', 'proposal id')
    .action(async (id: string) => {
      const { db } = await ctx.store();
      const view = buildProposalView(await loadProposal(db, requireProposalId(id)), Math.max(60, Math.min(ctx.stdout.columns ?? 80, 160)));
      const lines = [...view.title.map(lineText)];
      for (const pane of view.panes) lines.push('', `-- ${pane.title}`, ...pane.lines.map(lineText));
      println(ctx, lines.map((l) => l.trimEnd()).join('\n'));
    });

  program
    .command('dashboard')
    .description('review runs and proposals; approve, promote, roll back (plain tables when not a TTY)')
    .option('--as <who>', 'reviewer name for approvals made in the dashboard')
    .action(async (flags: { as?: string }) => {
      const { runDashboard } = await import('../../dashboard/run-dashboard.js');
      const { db } = await ctx.store();
      await runDashboard({
        db,
        actions: dashboardActions(ctx, ctx.actor(flags.as)),
        stdout: ctx.stdout,
        env: ctx.env,
        now: () => ctx.clock.now(),
      });
    });

  program
    .command('approve')
    .description('approve a pending proposal (records who, when and the comment)')
    .argument('<P>', 'proposal id')
    .option('--comment <text>', 'why you approve')
    .option('--as <who>', 'reviewer name (default: ROUTELAB_USER, else the OS user)')
    .action(async (id: string, flags: DecisionFlags) => {
      const { db } = await ctx.store();
      const r = await approveProposal(db, requireProposalId(id), { actor: ctx.actor(flags.as), comment: flags.comment ?? null, at: new Date(ctx.clock.now()) });
      println(ctx, `approved ${r.proposalId} by ${sanitizeInline(r.actor)} at ${r.at.toISOString()}`);
      println(ctx, `next: routelab promote ${r.proposalId}`);
    });

  program
    .command('reject')
    .description('reject a pending proposal (records who, when and the comment)')
    .argument('<P>', 'proposal id')
    .option('--comment <text>', 'why you reject')
    .option('--as <who>', 'reviewer name (default: ROUTELAB_USER, else the OS user)')
    .action(async (id: string, flags: DecisionFlags) => {
      const { db } = await ctx.store();
      const r = await rejectProposal(db, requireProposalId(id), { actor: ctx.actor(flags.as), comment: flags.comment ?? null, at: new Date(ctx.clock.now()) });
      println(ctx, `rejected ${r.proposalId} by ${sanitizeInline(r.actor)} at ${r.at.toISOString()}`);
    });

  program
    .command('promote')
    .description('make an approved proposal the active version and export it to the production sink')
    .argument('<P>', 'proposal id')
    .option('--out <dir>', `export directory (default: ROUTELAB_PROMOTE_DIR, else ${DEFAULT_PROMOTE_DIR})`)
    .addOption(new Option('--format <format>', 'export format').default('watsonx').argParser(parseFormat))
    .option('--comment <text>', 'note recorded with the promotion')
    .option('--as <who>', 'who promotes (default: ROUTELAB_USER, else the OS user)')
    .action(async (id: string, flags: DecisionFlags & { out?: string; format: ExportFormat }) => {
      const done = await promoteWithSink(ctx, requireProposalId(id), {
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        out: flags.out,
        format: flags.format,
      });
      const p = done.promotion;
      println(ctx, `promoted ${p.proposalId}: ${sanitizeInline(p.policyName)} v${p.fromVersion} → v${p.toVersion} (active)`);
      println(ctx, `export: ${done.file}`);
      if (done.commandRan) println(ctx, 'import command: ok');
    });

  program
    .command('rollback')
    .description('make an earlier version of a policy active again (default: the previous one)')
    .requiredOption('-n, --name <policy>', 'policy name')
    .option('--to <version>', 'version number to make active', parseIntOption('--to'))
    .option('--comment <text>', 'note recorded with the rollback')
    .option('--as <who>', 'who rolls back (default: ROUTELAB_USER, else the OS user)')
    .action(async (flags: DecisionFlags & { name: string; to?: number }) => {
      const { db } = await ctx.store();
      const r = await rollbackPolicy(db, flags.name, { to: flags.to, actor: ctx.actor(flags.as), comment: flags.comment ?? null, at: new Date(ctx.clock.now()) });
      await announceServingChange(ctx, r.policyName);
      println(ctx, `rolled back ${sanitizeInline(r.policyName)}: v${r.fromVersion} → v${r.toVersion} (active)`);
    });
}
