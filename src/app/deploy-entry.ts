import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sanitizeInline } from '../domain/sanitize.js';
import type { ExportFormat } from '../policy/index.js';
import type { Db } from '../store/db.js';
import { listModels } from '../store/repos/catalog-repo.js';
import { completePromotion, failPromotion, recordPromotionExports, type JournalEntry } from '../store/repos/promotion-repo.js';
import type { AppContext } from './context.js';
import { deployEnv, deployTimeoutMs, runDeployCommand, splitCommand } from './deploy-command.js';
import { exportFileName } from './export-name.js';
import type { PromoteOutcome } from './promote.js';

// One journal entry's deploy: the export written into place, the deploy command run, the version activated.

export const DEFAULT_PROMOTE_DIR = '.routelab/promoted';

const EXTENSION: Record<ExportFormat, string> = {
  watsonx: 'yaml',
  'watsonx-json': 'json',
  portkey: 'json',
  litellm: 'yaml',
  orq: 'json',
};

export interface DeployPlan {
  dir: string;
  template: string[] | undefined;
  env: (file: string) => NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Everything about the deploy that can be refused, checked before the journal row exists. */
export async function deployPlan(ctx: AppContext, db: Db, out: string | undefined): Promise<DeployPlan> {
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
export async function deployEntry(
  db: Db,
  entry: JournalEntry,
  text: string,
  format: ExportFormat,
  plan: DeployPlan,
): Promise<PromoteOutcome> {
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
