import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { ConflictError, InputError } from '../../../src/domain/errors.js';
import { approveProposal, rejectProposal } from '../../../src/store/repos/review-repo.js';
import { beginPromotion, failPromotion, listPromotions } from '../../../src/store/repos/promotion-repo.js';
import { policyVersions } from '../../../src/store/schema/policy.js';
import { proposals } from '../../../src/store/schema/proposals.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';
import { POLICY, promoteProposal, rollbackPolicy, seedReview } from './seed.js';

const at = new Date('2026-11-21T09:00:00Z');

describe.each(STORE_KINDS)('review on %s', (kind) => {
  let store: TestStore | undefined;
  const db = () => (store as TestStore).db;
  // Opening (and migrating) the store is the slow part on a loaded machine: do it in the hook.
  beforeEach(async () => {
    store = await openTestStore(kind);
  });
  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
  });

  async function activeVersions(policyId: number) {
    return db()
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.isActive, true)));
  }

  it('approve records who, when and the comment; a second approve is told it is stale', async () => {
    const s = await seedReview(db());
    const id = s.proposalIds[0]!;
    const r = await approveProposal(db(), id, { actor: 'alice', comment: 'looks right', at });
    expect(r.status).toBe('approved');
    const [row] = await db().select().from(proposals).where(eq(proposals.id, id));
    expect(row).toMatchObject({ status: 'approved', decidedBy: 'alice', comment: 'looks right' });
    expect(row?.decidedAt?.toISOString()).toBe(at.toISOString());
    await expect(approveProposal(db(), id, { actor: 'bob', at })).rejects.toThrow(/stale: proposal .* is approved by alice/);
  });

  it('two reviewers approving at once: exactly one wins, the other is told it was stale', async () => {
    const s = await seedReview(db());
    const id = s.proposalIds[0]!;
    const results = await Promise.allSettled([
      approveProposal(db(), id, { actor: 'alice', at }),
      approveProposal(db(), id, { actor: 'bob', at }),
      rejectProposal(db(), id, { actor: 'carol', at }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(ConflictError);
      expect(String(l.reason.message)).toMatch(/^stale: /);
    }
  });

  it('promote makes a new active version from the proposal in one step', async () => {
    const s = await seedReview(db());
    const id = s.proposalIds[0]!;
    await expect(promoteProposal(db(), id, { actor: 'alice', at })).rejects.toThrow(/pending: approve it first/);
    await approveProposal(db(), id, { actor: 'alice', at });
    const p = await promoteProposal(db(), id, { actor: 'bob', comment: 'ship', at });
    expect(p).toMatchObject({ fromVersion: 1, toVersion: 2, policyName: POLICY });
    const active = await activeVersions(s.policyId);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ version: 2, origin: 'promote', createdBy: 'bob' });
    expect(active[0]?.spec.policy.targets?.[0]).toEqual({ model_name: 'model-a', weight: 0.8 });
    const [row] = await db().select().from(proposals).where(eq(proposals.id, id));
    expect(row).toMatchObject({ status: 'promoted', promotedVersionId: active[0]?.id });
    const history = await listPromotions(db(), { policyName: POLICY });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: 'promote', fromVersion: 1, toVersion: 2, actor: 'bob', comment: 'ship', proposalId: id });
  });

  it('two reviewers promoting at once: exactly one wins, one new version, the other is stale', async () => {
    const s = await seedReview(db());
    const id = s.proposalIds[0]!;
    await approveProposal(db(), id, { actor: 'alice', at });
    const results = await Promise.allSettled([
      promoteProposal(db(), id, { actor: 'alice', at }),
      promoteProposal(db(), id, { actor: 'bob', at }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(ConflictError);
    expect(String(lost?.reason.message)).toMatch(
      /^(stale: proposal .* is promoted|policy support-router is being deployed|stale: version 2 is active now)/,
    );
    const versions = await db().select().from(policyVersions).where(eq(policyVersions.policyId, s.policyId));
    expect(versions).toHaveLength(2);
    expect(await activeVersions(s.policyId)).toHaveLength(1);
  });

  it('promoting two proposals made against the same version at once: the second is refused as stale', async () => {
    const s = await seedReview(db(), { proposals: 2 });
    const [p1, p2] = s.proposalIds as [string, string];
    await approveProposal(db(), p1, { actor: 'alice', at });
    await approveProposal(db(), p2, { actor: 'bob', at });
    const results = await Promise.allSettled([
      promoteProposal(db(), p1, { actor: 'alice', at }),
      promoteProposal(db(), p2, { actor: 'bob', at }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(String(lost?.reason.message)).toMatch(/^(stale: version 2 is active now|policy support-router is being deployed)/);
    // The loser's proposal is untouched: still approved, and refused again with the same reason.
    const loserId = results[0]!.status === 'rejected' ? p1 : p2;
    const [loser] = await db().select().from(proposals).where(eq(proposals.id, loserId));
    expect(loser?.status).toBe('approved');
    expect(await activeVersions(s.policyId)).toHaveLength(1);
  });

  it('approving a proposal whose base version is no longer active is refused with the reason', async () => {
    const s = await seedReview(db(), { proposals: 2 });
    const [p1, p2] = s.proposalIds as [string, string];
    await approveProposal(db(), p1, { actor: 'alice', at });
    await promoteProposal(db(), p1, { actor: 'alice', at });
    await expect(approveProposal(db(), p2, { actor: 'bob', at })).rejects.toThrow(
      'stale: version 2 is active now (the proposal was made against version 1)',
    );
  });

  it('a failed promotion activates nothing, leaves the proposal approved, and is recorded', async () => {
    const s = await seedReview(db());
    const id = s.proposalIds[0]!;
    await approveProposal(db(), id, { actor: 'alice', at });
    const p = await beginPromotion(db(), id, { actor: 'alice', at, owner: 'test:0' });
    expect((await activeVersions(s.policyId)).map((v) => v.version)).toEqual([1]);
    expect(await failPromotion(db(), p.promotionId, 'import command exited with 3')).toBe(true);
    const active = await activeVersions(s.policyId);
    expect(active.map((v) => v.version)).toEqual([1]);
    const [row] = await db().select().from(proposals).where(eq(proposals.id, id));
    expect(row).toMatchObject({ status: 'approved', promotedVersionId: null });
    const history = await listPromotions(db());
    expect(history[0]).toMatchObject({
      kind: 'promote',
      state: 'failed',
      fromVersion: 1,
      toVersion: 2,
      comment: 'import command exited with 3',
    });
    // It can be promoted again once the sink works.
    const again = await promoteProposal(db(), id, { actor: 'alice', at: new Date(at.getTime() + 2000) });
    expect(again.toVersion).toBe(3);
  });

  it('rollback makes the previous version active again, or the one named by --to', async () => {
    const s = await seedReview(db(), { proposals: 1 });
    await approveProposal(db(), s.proposalIds[0]!, { actor: 'alice', at });
    await promoteProposal(db(), s.proposalIds[0]!, { actor: 'alice', at });
    const r = await rollbackPolicy(db(), POLICY, { actor: 'ops', comment: 'pager', at: new Date(at.getTime() + 1000) });
    expect(r).toMatchObject({ fromVersion: 2, toVersion: 1 });
    expect((await activeVersions(s.policyId)).map((v) => v.version)).toEqual([1]);
    await expect(rollbackPolicy(db(), POLICY, { actor: 'ops', at })).rejects.toThrow(/no version below 1 was ever deployed/);
    const fwd = await rollbackPolicy(db(), POLICY, { to: 2, actor: 'ops', at: new Date(at.getTime() + 2000) });
    expect(fwd).toMatchObject({ fromVersion: 1, toVersion: 2 });
    await expect(rollbackPolicy(db(), POLICY, { to: 9, actor: 'ops', at })).rejects.toBeInstanceOf(InputError);
    await expect(rollbackPolicy(db(), 'nope', { actor: 'ops', at })).rejects.toThrow(/policy "nope" not found/);
    const history = await listPromotions(db(), { policyName: POLICY });
    expect(history.map((h) => `${h.kind} ${h.fromVersion}→${h.toVersion}`)).toEqual(['rollback 1→2', 'rollback 2→1', 'promote 1→2']);
  });

  it('concurrent rollbacks never leave two active versions', async () => {
    const s = await seedReview(db());
    await approveProposal(db(), s.proposalIds[0]!, { actor: 'alice', at });
    await promoteProposal(db(), s.proposalIds[0]!, { actor: 'alice', at });
    const results = await Promise.allSettled([
      rollbackPolicy(db(), POLICY, { actor: 'a', at }),
      rollbackPolicy(db(), POLICY, { actor: 'b', at }),
    ]);
    // The first moves 2 → 1; the second finds 1 active and nothing earlier.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await activeVersions(s.policyId)).map((v) => v.version)).toEqual([1]);
  });
});
