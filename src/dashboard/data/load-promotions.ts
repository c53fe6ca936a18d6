import type { Db } from '../../store/db.js';
import { listPolicies } from '../../store/repos/policy-repo.js';
import { listPromotions } from '../../store/repos/promotion-repo.js';
import type { PromotionsData } from './dashboard-data.js';

export async function loadPromotions(db: Db): Promise<PromotionsData> {
  const [list, history] = await Promise.all([listPolicies(db), listPromotions(db)]);
  return {
    policies: list.map(({ name, activeVersion, versions }) => ({ name, activeVersion, versions })),
    history: history.map(({ policyId: _policyId, ...row }) => row),
  };
}
