import { rmSync } from 'node:fs';
import { canonicalSpec } from '../dashboard/view/yaml-diff.js';
import { InputError } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import { sanitize, sanitizeInline } from '../domain/sanitize.js';
import { announceServingChange } from '../gateway/serving-notify.js';
import { ExportFormat, exportPolicy } from '../policy/index.js';
import { redactString } from '../redact/redact-text.js';
import type { Db } from '../store/db.js';
import { beginPromotion, failPromotion, reconcilePromotions, type JournalEntry } from '../store/repos/promotion-repo.js';
import { proposalSpec } from '../store/repos/review-repo.js';
import { beginRollback } from '../store/repos/rollback-repo.js';
import type { AppContext } from './context.js';
import { ownerAlive, processOwner } from './deploy-command.js';
import { deployEntry, deployPlan } from './deploy-entry.js';

/**
 * Promote and roll back: the one workflow that touches the world outside the database. It is
 * journaled (store/repos/promotion-repo.ts), the export is written and the user's deploy command
 * runs (deploy-entry.ts, deploy-command.ts), and only then does the version become active; then the
 * gateways are told (NOTIFY / pub-sub) so they reload at once instead of at their next poll.
 */

export interface PromoteOptions {
  actor: string;
  comment?: string | null;
  out?: string;
  format?: ExportFormat;
}

/** The production file. jsonb reorders keys, so the spec goes through its schema first. */
function exportText(spec: PolicySpec, format: ExportFormat): string {
  const result = exportPolicy(canonicalSpec(spec), format);
  if (!result.ok) throw new InputError(`--format ${format}: this policy cannot be written as ${format}`, result.error);
  return result.value;
}

export interface PromoteOutcome {
  promotion: JournalEntry;
  file: string;
  commandRan: boolean;
}

/** Stuck journal rows (routelab died mid-deploy) become failed and lose their export; said on stderr. */
export async function reconcile(ctx: AppContext, db: Db): Promise<void> {
  for (const s of await reconcilePromotions(db, ownerAlive)) {
    for (const f of s.exports) rmSync(f, { force: true });
    const line = `note: ${s.promotionId} (${sanitizeInline(s.policyName)} v${s.toVersion}) was left mid-deploy by ${sanitizeInline(s.owner ?? '?')}; marked failed, nothing activated, export removed`;
    ctx.stderr.write(`${sanitize(redactString(line))}\n`);
  }
}

/**
 * promote: render the export (a format that cannot express the policy is refused here, before any
 * change), journal the promotion, then deploy it (`deployEntry`).
 */
export async function promoteWithSink(ctx: AppContext, proposalId: string, options: PromoteOptions): Promise<PromoteOutcome> {
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
  await announceServingChange(ctx, entry.policyName);
  return done;
}

/** rollback: the same path as promote — export, deploy, and only then activate. */
export async function rollbackWithSink(
  ctx: AppContext,
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
