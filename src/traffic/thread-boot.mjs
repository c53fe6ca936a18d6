// Worker-thread entry: loads a TypeScript module (workerData.module) through tsx, the way
// bin/routelab.js loads the CLI. Plain JavaScript, because a new thread starts without tsx's hooks.
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import(workerData.module);
