import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from '../../../src/cli/action.js';
import { registerPolicy } from '../../../src/cli/commands/policy.js';
import { createContext } from '../../../src/cli/context.js';

/**
 * Runs `routelab policy ...` in-process the way main.ts does (exit codes, positional options), with
 * only the policy commands registered, so these tests do not depend on other commands' state.
 */
export async function runPolicyCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (write(String(chunk)), done()) });
  const ctx = createContext({ env, clock: { now: () => Date.UTC(2026, 0, 5, 12) }, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
  const program = new Command('routelab').version('0.1.0').enablePositionalOptions().exitOverride();
  program.configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerPolicy(program, ctx);
  const override = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
    c.commands.forEach(override);
  };
  override(program);
  let code = 0;
  try {
    await program.parseAsync(['node', 'routelab', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
    else {
      code = exitCodeFor(e);
      stderr += `error: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  } finally {
    await ctx.close();
  }
  return { code, stdout, stderr };
}

// Lets a person try the commands while main.ts is being assembled: npx tsx test/integration/policy/policy-cli.ts policy list
if (process.argv[1]?.endsWith('policy-cli.ts')) {
  const r = await runPolicyCli(process.argv.slice(2), process.env);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
