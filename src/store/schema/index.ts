export * from './policy.js';
export * from './catalog.js';
export * from './traffic.js';
export * from './golden.js';
export * from './outcomes.js';
export * from './runs.js';
export * from './proposals.js';
export * from './nightly.js';
