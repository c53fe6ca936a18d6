import type { ChatClient } from '../providers/index.js';
import { estimateCallCostUsd } from '../replay/cost-estimate.js';
import { estimateTokens } from '../replay/token-estimate.js';
import type { JudgeDeps } from '../scoring/index.js';
import type { Db } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { createJudgeCache } from '../store/repos/judge-cache-repo.js';

/** The cost cap and spend of one run, as a judge call sees them. */
export interface JudgeMeter {
  /** False when the call's estimate would take the run past its cap (the call is then not made). */
  reserve(estimateUsd: number): Promise<boolean>;
  /** What the call really cost (0 when the provider reported no usage). */
  settle(estimateUsd: number, actualUsd: number): Promise<void>;
}

/** Judge deps that can be bound to one run's cost cap. */
export type MeteredJudgeDeps = JudgeDeps & { metered(meter: JudgeMeter): JudgeDeps };

/** The status a judge call gets when the run's cost cap leaves no room for it. */
export const JUDGE_CAPPED_STATUS = 402;

const JUDGE_PARAMS = { temperature: 0 };

/**
 * LLM-as-judge through the same provider layer as every other call, verdicts cached in the store.
 * The judge model is the assertion's own `model`, else ROUTELAB_JUDGE_MODEL; it must be in the catalog.
 * Bound to a run (`metered`), each call reserves its estimate under the run's cost cap first and
 * adds what it cost to the run's judge spend, so judging can never overspend the cap.
 * Its replies are scored here and stored only as redacted reasons (run-repo).
 */
export function createJudgeDeps(db: Db, chat: ChatClient, judgeModel: string | undefined): MeteredJudgeDeps {
  const cache = createJudgeCache(db);
  const judgeWith =
    (meter: JudgeMeter | undefined): NonNullable<JudgeDeps['judge']> =>
    async ({ model, messages }) => {
      const entry = (await getModels(db, [model])).get(model);
      if (!entry) return { status: 404, output: null };
      const estimate = estimateCallCostUsd(
        { input_price_per_m: entry.price.input_per_m, output_price_per_m: entry.price.output_per_m },
        estimateTokens(messages),
        JUDGE_PARAMS,
      );
      if (meter && !(await meter.reserve(estimate))) return { status: JUDGE_CAPPED_STATUS, output: null };
      let cost = 0;
      try {
        // JSON response format where the endpoint supports it; one that refuses the parameter (400)
        // is asked again without it, and the verdict reader finds the judge's last JSON object.
        let r = await chat.complete(entry, { messages, params: { ...JUDGE_PARAMS, response_format: { type: 'json_object' } } });
        cost += r.cost_usd ?? 0;
        if (r.status === 400) {
          r = await chat.complete(entry, { messages, params: JUDGE_PARAMS });
          cost += r.cost_usd ?? 0;
        }
        return { status: r.status, output: r.output, cost_usd: cost };
      } finally {
        await meter?.settle(estimate, cost);
      }
    };
  const base = { ...(judgeModel ? { judgeModel } : {}), cache };
  return { judge: judgeWith(undefined), ...base, metered: (meter) => ({ judge: judgeWith(meter), ...base }) };
}
