// Over 300 lines (to move to src/app next session): the promotion journal's deploy path still lives beside its commands.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { ExportFormat, exportPolicy } from '../../policy/index.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { approveProposal, listProposalRows, proposalSpec, resolveProposalId, rejectProposal } from '../../store/repos/review-repo.js';
import {
  beginPromotion,
  completePromotion,
  failPromotion,
  reconcilePromotions,
  recordPromotionExports,
  type JournalEntry,
} from '../../store/repos/promotion-repo.js';
import { beginRollback } from '../../store/repos/rollback-repo.js';
import { exportFileName } from '../export-name.js';
import { listModels } from '../../store/repos/catalog-repo.js';
import type { Db } from '../../store/db.js';
import { deployEnv, deployTimeoutMs, ownerAlive, processOwner, runDeployCommand } from '../deploy-command.js';
import type { DashboardActions } from '../../dashboard/data/dashboard-source.js';
import { loadProposal } from '../../dashboard/data/load-proposal.js';
import { fmtDate } from '../../dashboard/view/format.js';
import { buildProposalView } from '../../dashboard/view/proposal-view.js';
import { lineText } from '../../dashboard/view/styled-line.js';
import { ProposalStatus } from '../../domain/proposal.js';
import { canonicalSpec } from '../../dashboard/view/yaml-diff.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printList, println, table } from '../output.js';
import { announceServingChange } from '../../gateway/serving-notify.js';

/**
 * approve / reject / promote / rollback / dashboard. Promotion is the one place that touches the
 * world outside the database: it is journaled (review-repo.ts), the export is written and the
 * user's deploy command runs (deploy-command.ts), and only then does the version become active.
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

export interface PromoteOutcome {
  promotion: JournalEntry;
  file: string;
  commandRan: boolean;
}

/** Stuck journal rows (routelab died mid-deploy) become failed and lose their export; said on stderr. */
export async function reconcile(ctx: CliContext, db: Db): Promise<void> {
  for (const s of await reconcilePromotions(db, ownerAlive)) {
    for (const f of s.exports) rmSync(f, { force: true });
    note(
      ctx,
      `note: ${s.promotionId} (${sanitizeInline(s.policyName)} v${s.toVersion}) was left mid-deploy by ${sanitizeInline(s.owner ?? '?')}; marked failed, nothing activated, export removed`,
    );
  }
}

/**
 * promote: render the export (a format that cannot express the policy is refused here, before any
 * change), journal the promotion, then deploy it (`deployEntry`).
 */
export async function promoteWithSink(ctx: CliContext, proposalId: string, options: PromoteOptions): Promise<PromoteOutcome> {
  const format = options.format ?? 'watsonx';
  const { db } = await ctx.store();
  await reconcile(ctx, db);
  const text = exportText(await proposalSpec(db, proposalId), format);
  const plan = await deployPlan(ctx, db, options.out);
  const entry = await beginPromotion(db, proposalId, {
    actor: options.actor,
    comment: options.comment ?? null,
    at: new Date(ctx.clock.now()),
    owner: processOwner(),
  });
  const done = await deployEntry(db, entry, text, format, plan);
  // Gateways reload at once (NOTIFY / pub-sub) instead of at their next poll.
  await announceServingChange(ctx, entry.policyName);
  return done;
}

/** rollback: the same path as promote — export, deploy, and only then activate. */
export async function rollbackWithSink(
  ctx: CliContext,
  policyName: string,
  options: PromoteOptions & { to?: number },
): Promise<PromoteOutcome> {
  const format = options.format ?? 'watsonx';
  const { db } = await ctx.store();
  await reconcile(ctx, db);
  const plan = await deployPlan(ctx, db, options.out);
  const entry = await beginRollback(db, policyName, {
    to: options.to,
    actor: options.actor,
    comment: options.comment ?? null,
    at: new Date(ctx.clock.now()),
    owner: processOwner(),
  });
  let text: string;
  try {
    text = exportText(entry.spec, format);
  } catch (e) {
    await failPromotion(db, entry.promotionId, e instanceof Error ? e.message : String(e));
    throw e;
  }
  const done = await deployEntry(db, entry, text, format, plan);
  await announceServingChange(ctx, entry.policyName);
  return done;
}

interface DeployPlan {
  dir: string;
  template: string[] | undefined;
  env: (file: string) => NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Everything about the deploy that can be refused, checked before the journal row exists. */
async function deployPlan(ctx: CliContext, db: Db, out: string | undefined): Promise<DeployPlan> {
  const dir = resolve(out ?? ctx.env.ROUTELAB_PROMOTE_DIR ?? DEFAULT_PROMOTE_DIR);
  const commandLine = ctx.env.ROUTELAB_PROMOTE_COMMAND?.trim();
  const template = commandLine ? splitCommand(commandLine) : undefined;
  const keyVars = (await listModels(db)).map((m) => m.api_key_env).filter((v): v is string => typeof v === 'string');
  deployEnv(ctx.env, keyVars, '');
  return { dir, template, env: (file) => deployEnv(ctx.env, keyVars, file), timeoutMs: deployTimeoutMs(ctx.env) };
}

/**
 * Write the export (to a temporary name, renamed into place), run the deploy command, then make the
 * version active. Any failure marks the journal row failed and removes the file this step wrote.
 */
async function deployEntry(db: Db, entry: JournalEntry, text: string, format: ExportFormat, plan: DeployPlan): Promise<PromoteOutcome> {
  const file = join(plan.dir, exportFileName(entry.policyName, entry.toVersion, EXTENSION[format]));
  // A rollback rewrites the target version's own file: leave it if the rollback fails.
  const existed = existsSync(file);
  const fail = async (reason: string): Promise<never> => {
    if (!existed) rmSync(file, { force: true });
    await failPromotion(db, entry.promotionId, reason);
    throw new Error(`${entry.kind} failed (version ${entry.fromVersion} of ${entry.policyName} stays active): ${reason}`);
  };
  try {
    mkdirSync(plan.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    return fail(`export to ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  await recordPromotionExports(db, entry.promotionId, [file]);
  if (plan.template) {
    const argv = plan.template.map((a) => a.split('{file}').join(file));
    const result = await runDeployCommand(argv, plan.env(file), plan.timeoutMs);
    if (result.code !== 0) {
      const tail = sanitizeInline(result.output).trim().slice(-300);
      const why = result.timedOut ? `timed out after ${plan.timeoutMs / 1000} s and was stopped` : `exited with ${result.code}`;
      return fail(`\`${sanitizeInline(argv.join(' '))}\` ${why}${tail ? `: ${tail}` : ''}`);
    }
  }
  try {
    await completePromotion(db, entry);
  } catch (e) {
    if (!existed) rmSync(file, { force: true });
    throw e;
  }
  return { promotion: entry, file, commandRan: Boolean(plan.template) };
}

function parseFormat(value: string): ExportFormat {
  const parsed = ExportFormat.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(`--format: "${value}" is not one of ${EXPORT_FORMATS.join(', ')}`);
}

async function requireProposalId(ctx: CliContext, id: string | undefined): Promise<string> {
  if (!id || !id.trim()) throw new InputError('P: name the proposal to act on (see `routelab dashboard`)');
  return resolveProposalId((await ctx.store()).db, id.trim());
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
      // The dashboard has no --format: watsonx when it can express the policy, else Portkey (which
      // has conditional routing); a policy neither can express is refused by the export as usual.
      const { db } = await ctx.store();
      const spec = canonicalSpec(await proposalSpec(db, proposalId));
      const format = exportPolicy(spec, 'watsonx').ok || !exportPolicy(spec, 'portkey').ok ? 'watsonx' : 'portkey';
      const done = await promoteWithSink(ctx, proposalId, { actor, format });
      // The status bar is one line: the path relative to where the user started, when that is shorter.
      const rel = relative(process.cwd(), done.file);
      const shown = rel.length < done.file.length ? rel : done.file;
      return `promoted: ${sanitizeInline(done.promotion.policyName)} v${done.promotion.fromVersion} → v${done.promotion.toVersion}; wrote ${shown}`;
    },
    rollback: async (policyName) => {
      const r = (await rollbackWithSink(ctx, policyName, { actor })).promotion;
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
            rows.map((r) => [
              r.id,
              sanitizeInline(r.policy),
              `v${r.baseVersion}`,
              r.status,
              sanitizeInline(r.decidedBy ?? '—'),
              fmtDate(r.createdAt),
            ]),
          ),
      });
    });
  proposalsCmd
    .command('show')
    .description('weights, rules, predicted impact, rationale and the policy diff of one proposal')
    .argument('<P>', 'proposal id')
    .action(async (id: string) => {
      const { db } = await ctx.store();
      const view = buildProposalView(
        await loadProposal(db, await requireProposalId(ctx, id)),
        Math.max(60, Math.min(ctx.stdout.columns ?? 80, 160)),
      );
      const lines = [...view.title.map(lineText)];
      for (const pane of view.panes) lines.push('', `-- ${pane.title}`, ...pane.lines.map(lineText));
      println(ctx, lines.map((l) => l.trimEnd()).join('\n'));
    });

  program
    .command('dashboard')
    .description('review runs and proposals; approve, promote, roll back (plain tables when not a TTY)')
    .option('--as <who>', 'reviewer name for approvals made in the dashboard')
    .option('--trends', 'the trends screen: regressions, sparklines per model, drill-down')
    .option('--policy <name>', 'with --trends: only this policy')
    .action(async (flags: { as?: string; trends?: boolean; policy?: string }) => {
      const { db } = await ctx.store();
      if (flags.trends) {
        const { runTrendsDashboard } = await import('../../dashboard/trends/run-trends-dashboard.js');
        return runTrendsDashboard({ db, ...(flags.policy ? { policy: flags.policy } : {}), stdout: ctx.stdout, env: ctx.env });
      }
      const { runDashboard } = await import('../../dashboard/run-dashboard.js');
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
      const r = await approveProposal(db, await requireProposalId(ctx, id), {
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        at: new Date(ctx.clock.now()),
      });
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
      const r = await rejectProposal(db, await requireProposalId(ctx, id), {
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        at: new Date(ctx.clock.now()),
      });
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
      const done = await promoteWithSink(ctx, await requireProposalId(ctx, id), {
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        out: flags.out,
        format: flags.format,
      });
      const p = done.promotion;
      println(ctx, `promoted ${p.proposalId}: ${sanitizeInline(p.policyName)} v${p.fromVersion} → v${p.toVersion} (active)`);
      println(ctx, `export: ${done.file}`);
      if (done.commandRan) println(ctx, 'deploy command: ok');
    });

  program
    .command('rollback')
    .description('export, deploy and activate an earlier version (default: the last one deployed)')
    .requiredOption('-n, --name <policy>', 'policy name')
    .option('--to <version>', 'version number to make active', parseIntOption('--to'))
    .option('--out <dir>', `export directory (default: ROUTELAB_PROMOTE_DIR, else ${DEFAULT_PROMOTE_DIR})`)
    .addOption(new Option('--format <format>', 'export format').default('watsonx').argParser(parseFormat))
    .option('--comment <text>', 'note recorded with the rollback')
    .option('--as <who>', 'who rolls back (default: ROUTELAB_USER, else the OS user)')
    .action(async (flags: DecisionFlags & { name: string; to?: number; out?: string; format: ExportFormat }) => {
      const done = await rollbackWithSink(ctx, flags.name, {
        to: flags.to,
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        out: flags.out,
        format: flags.format,
      });
      const r = done.promotion;
      println(ctx, `rolled back ${sanitizeInline(r.policyName)}: v${r.fromVersion} → v${r.toVersion} (active)`);
      println(ctx, `export: ${done.file}`);
      if (done.commandRan) println(ctx, 'deploy command: ok');
    });
}
