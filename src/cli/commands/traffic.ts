import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerTrafficImport } from './traffic-import.js';
import { registerTrafficImports } from './traffic-imports.js';
import { registerTrafficSample } from './traffic-sample.js';

/** `routelab traffic import | sample | samples | imports`. */
export function registerTraffic(program: Command, ctx: CliContext): void {
  const traffic = program.command('traffic').description('Import production traffic (redacted) and draw samples to replay');

  registerTrafficImport(traffic, ctx);
  registerTrafficSample(traffic, ctx);
  registerTrafficImports(traffic, ctx);
}
