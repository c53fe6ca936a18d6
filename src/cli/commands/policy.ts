import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerPolicyAdd, SEMANTICS } from './policy-add.js';
import { registerPolicyExport } from './policy-export.js';
import { registerPolicyRegistry } from './policy-registry.js';
import { registerPolicySimulate } from './policy-simulate.js';

/** `routelab policy ...`: the registry (DESIGN.md §5). */
export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program
    .command('policy')
    .description('Routing policies: add, import, export, inspect, simulate')
    .addHelpText('after', SEMANTICS);

  registerPolicyAdd(policy, ctx);
  registerPolicyExport(policy, ctx);
  registerPolicyRegistry(policy, ctx);
  registerPolicySimulate(policy, ctx);
}
