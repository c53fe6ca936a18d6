#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx so the checkout runs without a build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig, not the one in the caller's cwd: run from elsewhere, tsx would otherwise
// compile the dashboard's JSX with the classic runtime ("React is not defined").
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
