#!/usr/bin/env node
// Entry point: runs the compiled JavaScript in dist/ (built by `npm install` through the `prepare`
// script, or `npm run build`), so a start costs no transpiling. Commands load their modules lazily.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('error: routelab is not built (dist/ is missing): run `npm run build` (or `npm install`).\n');
  process.exit(1);
}
// Stack traces point at the TypeScript sources only when someone asks for them (loading the maps costs time).
if (process.env.ROUTELAB_DEBUG) process.setSourceMapsEnabled(true);
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv);
