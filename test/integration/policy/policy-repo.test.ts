import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../src/domain/errors.js';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { openStore } from '../../../src/store/db.js';
import {
  activateVersion,
  addPolicyVersion,
  getActiveVersion,
  getPolicyVersion,
  listPolicies,
  policyHistory,
  removePolicy,
} from '../../../src/store/repos/policy-repo.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';

const spec = (name: string, model = 'm1'): PolicySpec => ({
  spec_version: 'v1',
  kind: 'model',
  name,
  policy: { strategy: { mode: 'single' }, targets: [{ model_name: model }] },
});

describe.each(STORE_KINDS)('policy registry on %s', (kind) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
  });

  it('adding the same name again creates a new active version; older ones stay readable', async () => {
    store = await openTestStore(kind);
    const v1 = await addPolicyVersion(store.db, spec('p', 'a'), { sourceFormat: 'watsonx', origin: 'import' });
    const v2 = await addPolicyVersion(store.db, spec('p', 'b'), { sourceFormat: 'watsonx', origin: 'add', createdBy: 'ana' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2.policyId).toBe(v1.policyId);
    const active = await getActiveVersion(store.db, 'p');
    expect(active?.version).toBe(2);
    expect(active?.spec.policy.targets?.[0]?.model_name).toBe('b');
    expect(active?.createdBy).toBe('ana');
    expect((await getPolicyVersion(store.db, 'p', 1))?.spec.policy.targets?.[0]?.model_name).toBe('a');
    expect((await policyHistory(store.db, 'p')).map((v) => [v.version, v.isActive, v.origin])).toEqual([
      [1, false, 'import'],
      [2, true, 'add'],
    ]);
  });

  it('an identical spec still makes a new version (every add is recorded)', async () => {
    store = await openTestStore(kind);
    await addPolicyVersion(store.db, spec('p'), { sourceFormat: 'watsonx', origin: 'add' });
    const again = await addPolicyVersion(store.db, spec('p'), { sourceFormat: 'watsonx', origin: 'add' });
    expect(again.version).toBe(2);
  });

  it('a version added with activate: false leaves the active one alone', async () => {
    store = await openTestStore(kind);
    await addPolicyVersion(store.db, spec('p', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
    await addPolicyVersion(store.db, spec('p', 'b'), { sourceFormat: 'watsonx', origin: 'promote', activate: false });
    expect((await getActiveVersion(store.db, 'p'))?.version).toBe(1);
  });

  it('lists policies with their active version and count; remove hides them and re-adding continues numbering', async () => {
    store = await openTestStore(kind);
    await addPolicyVersion(store.db, spec('b'), { sourceFormat: 'watsonx', origin: 'add' });
    await addPolicyVersion(store.db, spec('a'), { sourceFormat: 'portkey', origin: 'import' });
    await addPolicyVersion(store.db, spec('a'), { sourceFormat: 'watsonx', origin: 'add' });
    expect((await listPolicies(store.db)).map((p) => [p.name, p.activeVersion, p.versions, p.mode])).toEqual([
      ['a', 2, 2, 'single'],
      ['b', 1, 1, 'single'],
    ]);
    await removePolicy(store.db, 'a');
    expect((await listPolicies(store.db)).map((p) => p.name)).toEqual(['b']);
    expect(await getActiveVersion(store.db, 'a')).toBeUndefined();
    await expect(removePolicy(store.db, 'a')).rejects.toBeInstanceOf(NotFoundError);
    expect((await addPolicyVersion(store.db, spec('a'), { sourceFormat: 'watsonx', origin: 'add' })).version).toBe(3);
  });

  it('activateVersion with a stale expected version is refused with a ConflictError', async () => {
    store = await openTestStore(kind);
    const v1 = await addPolicyVersion(store.db, spec('p', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
    const v2 = await addPolicyVersion(store.db, spec('p', 'b'), { sourceFormat: 'watsonx', origin: 'add' });
    await activateVersion(store.db, v1.policyId, v1.versionId, v2.versionId);
    expect((await getActiveVersion(store.db, 'p'))?.version).toBe(1);
    await expect(activateVersion(store.db, v1.policyId, v2.versionId, v2.versionId)).rejects.toBeInstanceOf(ConflictError);
    expect((await getActiveVersion(store.db, 'p'))?.version).toBe(1);
  });

  it('two activations racing with the same expected version: exactly one wins', async () => {
    store = await openTestStore(kind);
    // On Postgres the racers use separate connections (a second pool), as two processes would.
    const other = store.url ? await openStore({ url: store.url, max: 2, migrate: false }) : store;
    try {
      const v1 = await addPolicyVersion(store.db, spec('p', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
      const v2 = await addPolicyVersion(store.db, spec('p', 'b'), { sourceFormat: 'watsonx', origin: 'add', activate: false });
      const v3 = await addPolicyVersion(store.db, spec('p', 'c'), { sourceFormat: 'watsonx', origin: 'add', activate: false });
      const results = await Promise.allSettled([
        activateVersion(store.db, v1.policyId, v2.versionId, v1.versionId),
        activateVersion(other.db, v1.policyId, v3.versionId, v1.versionId),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
      const active = await getActiveVersion(store.db, 'p');
      expect([2, 3]).toContain(active?.version);
      expect((await policyHistory(store.db, 'p')).filter((v) => v.isActive)).toHaveLength(1);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('activateVersion works inside a caller transaction and rolls back with it', async () => {
    store = await openTestStore(kind);
    const v1 = await addPolicyVersion(store.db, spec('p', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
    const v2 = await addPolicyVersion(store.db, spec('p', 'b'), { sourceFormat: 'watsonx', origin: 'add', activate: false });
    await expect(
      store.db.transaction(async (tx) => {
        await activateVersion(tx, v1.policyId, v2.versionId, v1.versionId);
        throw new Error('promotion failed later');
      }),
    ).rejects.toThrow('promotion failed later');
    expect((await getActiveVersion(store.db, 'p'))?.version).toBe(1);
  });
});
