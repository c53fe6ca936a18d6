import { eq } from 'drizzle-orm';
import { ScoreResult, type JudgeCache } from '../../domain/golden-case.js';
import type { Db } from '../db.js';
import { judgeCache } from '../schema/golden.js';

/**
 * The judge cache on the judge_cache table. Keys carry the judge prompt version and model, so a
 * new prompt never reads an old verdict. The first verdict stored for a key wins (ON CONFLICT DO
 * NOTHING): two workers judging the same output at once cannot overwrite each other.
 */
export function createJudgeCache(db: Db): JudgeCache {
  return {
    async get(key) {
      const [row] = await db.select({ score: judgeCache.score }).from(judgeCache).where(eq(judgeCache.key, key));
      if (!row) return undefined;
      // A row that no longer reads as a verdict (hand-edited, older shape) is a miss, not a crash.
      const parsed = ScoreResult.safeParse(row.score);
      return parsed.success ? parsed.data : undefined;
    },
    async set(key, v) {
      await db.insert(judgeCache).values({ key, score: v }).onConflictDoNothing({ target: judgeCache.key });
    },
  };
}
