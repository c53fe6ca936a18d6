// Worker-thread entry of the traffic log: loads workerData.module. Compiled (dist/), that is
// JavaScript and loads as is; from the sources (tests) it is TypeScript, loaded through tsx, which a
// new thread does not inherit from its parent. Plain JavaScript itself, so that it runs either way.
// (The import's copy is src/traffic/fast-path/thread-boot.mjs, fenced to the import path.)
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

if (workerData.module.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
}
await import(workerData.module);
