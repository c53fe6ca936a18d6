import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  // One store per kind (opening PGlite is the slow part); each test uses its own policy names.
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it('stores names in NFC and refuses one that looks like an existing name, both shown escaped', async () => {
    await addPolicyVersion(store.db, spec('caf\u00e9'), { sourceFormat: 'watsonx', origin: 'add' });
    // The decomposed spelling is the same name: a new version, found by either spelling.
    const again = await addPolicyVersion(store.db, spec('cafe\u0301'), { sourceFormat: 'watsonx', origin: 'add' });
    expect(again.version).toBe(2);
    expect((await getActiveVersion(store.db, 'cafe\u0301'))?.version).toBe(2);
    await expect(addPolicyVersion(store.db, spec('cafe'), { sourceFormat: 'watsonx', origin: 'add' })).rejects.toThrow(
      '"cafe" looks like the existing policy "caf\\u{e9}"',
    );
    await expect(addPolicyVersion(store.db, spec('cafe\u{e0041}'), { sourceFormat: 'watsonx', origin: 'add' })).rejects.toThrow(
      /cafe\\u\{e0041\}/,
    );
  });

  it('adding the same name again creates a new active version; older ones stay readable', async () => {
    const v1 = await addPolicyVersion(store.db, spec('p0', 'a'), { sourceFormat: 'watsonx', origin: 'import' });
    const v2 = await addPolicyVersion(store.db, spec('p0', 'b'), { sourceFormat: 'watsonx', origin: 'add', createdBy: 'ana' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2.policyId).toBe(v1.policyId);
    const active = await getActiveVersion(store.db, 'p0');
    expect(active?.version).toBe(2);
    expect(active?.spec.policy.targets?.[0]?.model_name).toBe('b');
    expect(active?.createdBy).toBe('ana');
    expect((await getPolicyVersion(store.db, 'p0', 1))?.spec.policy.targets?.[0]?.model_name).toBe('a');
    expect((await policyHistory(store.db, 'p0')).map((v) => [v.version, v.isActive, v.origin])).toEqual([
      [1, false, 'import'],
      [2, true, 'add'],
    ]);
  });

  it('an identical spec still makes a new version (every add is recorded)', async () => {
    await addPolicyVersion(store.db, spec('p1'), { sourceFormat: 'watsonx', origin: 'add' });
    const again = await addPolicyVersion(store.db, spec('p1'), { sourceFormat: 'watsonx', origin: 'add' });
    expect(again.version).toBe(2);
  });

  it('a version added with activate: false leaves the active one alone', async () => {
    await addPolicyVersion(store.db, spec('p2', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
    await addPolicyVersion(store.db, spec('p2', 'b'), { sourceFormat: 'watsonx', origin: 'promote', activate: false });
    expect((await getActiveVersion(store.db, 'p2'))?.version).toBe(1);
  });

  it('lists policies with their active version and count; remove hides them and re-adding continues numbering', async () => {
    await addPolicyVersion(store.db, spec('b3'), { sourceFormat: 'watsonx', origin: 'add' });
    await addPolicyVersion(store.db, spec('a3'), { sourceFormat: 'portkey', origin: 'import' });
    await addPolicyVersion(store.db, spec('a3'), { sourceFormat: 'watsonx', origin: 'add' });
    const mine = async () => (await listPolicies(store.db)).filter((p) => p.name.endsWith('3'));
    expect((await mine()).map((p) => [p.name, p.activeVersion, p.versions, p.mode])).toEqual([
      ['a3', 2, 2, 'single'],
      ['b3', 1, 1, 'single'],
    ]);
    await removePolicy(store.db, 'a3');
    expect((await mine()).map((p) => p.name)).toEqual(['b3']);
    expect(await getActiveVersion(store.db, 'a3')).toBeUndefined();
    await expect(removePolicy(store.db, 'a3')).rejects.toBeInstanceOf(NotFoundError);
    expect((await addPolicyVersion(store.db, spec('a3'), { sourceFormat: 'watsonx', origin: 'add' })).version).toBe(3);
  });

  it('activateVersion with a stale expected version is refused with a ConflictError', async () => {
    const v1 = await addPolicyVersion(store.db, spec('p4', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
    const v2 = await addPolicyVersion(store.db, spec('p4', 'b'), { sourceFormat: 'watsonx', origin: 'add' });
    await activateVersion(store.db, v1.policyId, v1.versionId, v2.versionId);
    expect((await getActiveVersion(store.db, 'p4'))?.version).toBe(1);
    await expect(activateVersion(store.db, v1.policyId, v2.versionId, v2.versionId)).rejects.toBeInstanceOf(ConflictError);
    expect((await getActiveVersion(store.db, 'p4'))?.version).toBe(1);
  });

  it('two activations racing with the same expected version: exactly one wins', async () => {
    // On Postgres the racers use separate connections (a second pool), as two processes would.
    const other = store.url ? await openStore({ url: store.url, max: 2, migrate: false }) : store;
    try {
      const v1 = await addPolicyVersion(store.db, spec('p5', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
      const v2 = await addPolicyVersion(store.db, spec('p5', 'b'), { sourceFormat: 'watsonx', origin: 'add', activate: false });
      const v3 = await addPolicyVersion(store.db, spec('p5', 'c'), { sourceFormat: 'watsonx', origin: 'add', activate: false });
      const results = await Promise.allSettled([
        activateVersion(store.db, v1.policyId, v2.versionId, v1.versionId),
        activateVersion(other.db, v1.policyId, v3.versionId, v1.versionId),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
      const active = await getActiveVersion(store.db, 'p5');
      expect([2, 3]).toContain(active?.version);
      expect((await policyHistory(store.db, 'p5')).filter((v) => v.isActive)).toHaveLength(1);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('activateVersion works inside a caller transaction and rolls back with it', async () => {
    const v1 = await addPolicyVersion(store.db, spec('p6', 'a'), { sourceFormat: 'watsonx', origin: 'add' });
    const v2 = await addPolicyVersion(store.db, spec('p6', 'b'), { sourceFormat: 'watsonx', origin: 'add', activate: false });
    await expect(
      store.db.transaction(async (tx) => {
        await activateVersion(tx, v1.policyId, v2.versionId, v1.versionId);
        throw new Error('promotion failed later');
      }),
    ).rejects.toThrow('promotion failed later');
    expect((await getActiveVersion(store.db, 'p6'))?.version).toBe(1);
  });
});
