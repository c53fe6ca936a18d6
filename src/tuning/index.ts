export * from './emit-spec.js';
export * from './frontier-curve.js';
export * from './hull-walk.js';
export * from './max-change.js';
export * from './options-key.js';
export * from './propose.js';
export * from './rationale.js';
export * from './split-metrics.js';
