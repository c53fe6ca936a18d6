import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { promotions } from '../schema/proposals.js';
import { type JournalEntry, type PromotionStart, assertNoneInFlight } from './promotion-repo.js';
import { activeVersion, lockPolicy } from './review-repo.js';

/**
 * Start a rollback: a journal row (`promoting`, kind `rollback`) towards an earlier version, which
 * becomes active only when its export is deployed (`completePromotion`). The default target is the
 * newest version below the active one that was deployed: made active by `policy add/import`, or
 * the target of a `deployed` promotion or rollback — never one whose promotion failed.
 */
export async function beginRollback(db: Db, policyName: string, input: PromotionStart & { to?: number }): Promise<JournalEntry> {
  return db.transaction(async (tx) => {
    const [named] = await tx
      .select({ id: policies.id })
      .from(policies)
      .where(and(eq(policies.name, policyName), isNull(policies.removedAt)));
    if (!named) throw new NotFoundError('policy', policyName, 'see `routelab policy list`');
    await lockPolicy(tx, named.id);
    await assertNoneInFlight(tx, named.id, policyName);
    const active = await activeVersion(tx, named.id);
    if (!active) throw new ConflictError(`policy ${policyName} has no active version to roll back from`);
    const deployed = sql`(${policyVersions.origin} <> 'promote' or exists (select 1 from ${promotions} where ${promotions.toVersionId} = ${policyVersions.id} and ${promotions.state} = 'deployed'))`;
    const [target] =
      input.to === undefined
        ? await tx
            .select()
            .from(policyVersions)
            .where(and(eq(policyVersions.policyId, named.id), lt(policyVersions.version, active.version), deployed))
            .orderBy(desc(policyVersions.version))
            .limit(1)
        : await tx
            .select()
            .from(policyVersions)
            .where(and(eq(policyVersions.policyId, named.id), eq(policyVersions.version, input.to)));
    if (!target) {
      if (input.to === undefined)
        throw new InputError(`-n ${policyName}: no version below ${active.version} was ever deployed; nothing to roll back to`);
      throw new InputError(`--to: policy ${policyName} has no version ${input.to} (see \`routelab policy history -n ${policyName}\`)`);
    }
    if (target.id === active.id) throw new InputError(`--to: version ${target.version} of ${policyName} is already active`);
    const promotionId = `rollback_${randomUUID().slice(0, 8)}`;
    await tx.insert(promotions).values({
      id: promotionId,
      policyId: named.id,
      kind: 'rollback',
      fromVersionId: active.id,
      toVersionId: target.id,
      actor: input.actor,
      comment: input.comment ?? null,
      createdAt: input.at,
      state: 'promoting',
      owner: input.owner,
    });
    return {
      promotionId,
      kind: 'rollback',
      proposalId: null,
      policyId: named.id,
      policyName,
      fromVersionId: active.id,
      fromVersion: active.version,
      toVersionId: target.id,
      toVersion: target.version,
      spec: target.spec,
    };
  });
}
