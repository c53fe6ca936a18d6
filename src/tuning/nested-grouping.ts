import type { Condition } from '../domain/policy-spec.js';
import { DEFAULT_GROUP } from './emit-spec.js';
import type { FeatureSet } from './features.js';
import type { Grouping } from './grouping.js';
import { leafOf, treeRules, type Tree } from './rule-tree.js';

/** Each base group split further by its own tree; the group's last leaf keeps the group's key. */
export function nestedGrouping(base: Grouping, trees: ReadonlyMap<string, Tree>, features: FeatureSet, shrink = 0): Grouping {
  const leafKeys = new Map<string, Map<number, string>>();
  const rules: Grouping['rules'] = [];
  const treeRulesOf = (groupKey: string, baseWhen: Condition | null) => {
    const tree = trees.get(groupKey);
    const keys = new Map<number, string>();
    leafKeys.set(groupKey, keys);
    if (!tree) return;
    const list = treeRules(tree, features);
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      keys.set(r.leaf, last ? groupKey : `${groupKey}/leaf:${r.leaf}`);
      if (last) return;
      const when: Condition =
        baseWhen === null ? r.when : { $and: [baseWhen, ...(Array.isArray(r.when.$and) ? (r.when.$and as Condition[]) : [r.when])] };
      rules.push({
        key: `${groupKey}/leaf:${r.leaf}`,
        name: baseWhen === null ? r.name : `${base.rules.find((b) => b.key === groupKey)?.name ?? groupKey} and ${r.name}`,
        when,
      });
    });
  };
  for (const b of base.rules) {
    treeRulesOf(b.key, b.when);
    rules.push(b);
  }
  treeRulesOf(DEFAULT_GROUP, null);
  // A row's key, walked once: a grouping is asked for the same rows by the fit and the check.
  const memo: Array<string | undefined> = [];
  return {
    kind: rules.length > base.rules.length ? 'tree' : base.kind,
    keyOf: (row) => {
      const known = memo[row];
      if (known !== undefined) return known;
      const g = base.keyOf(row);
      const tree = trees.get(g);
      const key = tree ? (leafKeys.get(g)?.get(leafOf(tree, features, row)) ?? g) : g;
      memo[row] = key;
      return key;
    },
    rules,
    ...(shrink > 0 ? { shrink, parentOf: (key: string) => key.split('/leaf:')[0] as string } : {}),
  };
}
