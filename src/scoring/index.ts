/** The scoring core: golden-set parsing, the scorers, LLM-as-judge and case scoring. Pure. */
export { parseGoldenText, pathText, type GoldenDoc } from './golden-file.js';
export { checkCase, type CaseProblem } from './check-case.js';
export { scoreAssertionSync, NO_OUTPUT } from './score-assertion.js';
export { scoreCase, type AssertionScore, type CaseScore } from './score-case.js';
export { scoreJudge, judgeCacheKey, NO_JUDGE, type JudgeFn, type JudgeCache, type JudgeDeps } from './judge.js';
export { JUDGE_PROMPT_VERSION, DEFAULT_RUBRIC } from './judge-prompt.js';
export { extractFinalNumber } from './extract-number.js';
export { extractChoice } from './extract-choice.js';
export { extractJson } from './json-text.js';
export { isRefusal } from './scorers/refusal.js';
