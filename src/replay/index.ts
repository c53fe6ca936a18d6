export * from './split.js';
export * from './token-estimate.js';
export * from './plan-pairs.js';
export * from './outcome-matrix.js';
export * from './backoff.js';
export * from './cost-estimate.js';
export * from './evaluate-variant.js';
export * from './summarize-variant.js';
