export * from './before-after.js';
export * from './escape.js';
export * from './render-report.js';
export * from './write-report.js';
