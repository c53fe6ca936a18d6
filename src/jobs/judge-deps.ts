import type { ChatClient } from '../providers/index.js';
import type { JudgeDeps } from '../scoring/index.js';
import type { Db } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { createJudgeCache } from '../store/repos/judge-cache-repo.js';

/**
 * LLM-as-judge through the same provider layer as every other call, verdicts cached in the store.
 * The judge model is the assertion's own `model`, else ROUTELAB_JUDGE_MODEL; it must be in the catalog.
 * Its replies are scored here and stored only as redacted reasons (run-repo).
 */
export function createJudgeDeps(db: Db, chat: ChatClient, judgeModel: string | undefined): JudgeDeps {
  return {
    judge: async ({ model, messages }) => {
      const entry = (await getModels(db, [model])).get(model);
      if (!entry) return { status: 404, output: null };
      // JSON response format where the endpoint supports it; one that refuses the parameter (400)
      // is asked again without it, and the verdict reader finds the judge's last JSON object.
      let r = await chat.complete(entry, { messages, params: { temperature: 0, response_format: { type: 'json_object' } } });
      if (r.status === 400) r = await chat.complete(entry, { messages, params: { temperature: 0 } });
      return { status: r.status, output: r.output };
    },
    ...(judgeModel ? { judgeModel } : {}),
    cache: createJudgeCache(db),
  };
}
