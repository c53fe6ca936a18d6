export * from './payloads.js';
export * from './processors.js';
export * from './connection.js';
export * from './in-process-runner.js';
export * from './bullmq-runner.js';
export * from './schedules.js';
