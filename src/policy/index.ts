export {
  parsePolicyText,
  parsePolicyTextOrThrow,
  checkPolicySpec,
  detectFormat,
  formatPath,
  type ParseOptions,
  type ParsedPolicy,
} from './parse.js';
export { exportPolicy, policyDocumentYaml } from './export.js';
export { PolicyFormat, ExportFormat } from './formats/format.js';
export type { RequestContext } from './request-context.js';
export { createRouterState, recordUsage, type RouterState, type BudgetUsage, type Usage } from './router-state.js';
export { decide, type Decision, type PlannedTry, type SkipReason } from './decide.js';
export { execute, type Execution } from './execute.js';
export { distribution, MAX_PATHS, type PathProbability, type OutcomeDistribution } from './distribution.js';
export { reachableModels } from './reachable-models.js';
export { normalizedWeights } from './weights.js';
export { periodKey } from './budget-period.js';
export { DEFAULT_RETRY_CODES, maxAttempts, compilePolicy } from './compiled-policy.js';
export { validateSpec } from './validate.js';
export { simulatePolicy, type InjectedFailure, type SimulationOptions, type SimulationSummary } from './simulate.js';
export { MAX_POLICY_BYTES, MAX_POLICY_DEPTH } from './yaml-source.js';
