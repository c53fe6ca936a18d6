import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from '../../../src/cli/action.js';
import { registerPolicy } from '../../../src/cli/commands/policy.js';
import { createContext, type CliContext } from '../../../src/cli/context.js';
import type { Store } from '../../../src/store/db.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `routelab policy ...` in-process the way main.ts does (exit codes, positional options), with
 * only the policy commands registered, against an already open store so a test pays for opening
 * it once. The store itself is whatever the test opened (PGlite or Postgres).
 */
export async function runPolicyCli(args: string[], store?: Store, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (write(String(chunk)), done()) });
  const base = createContext({
    env,
    clock: { now: () => Date.UTC(2026, 0, 5, 12) },
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  const ctx: CliContext = store ? { ...base, store: async () => store, close: async () => {} } : base;
  const program = new Command('routelab').version('0.1.0').enablePositionalOptions();
  registerPolicy(program, ctx);
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
    c.commands.forEach(configure);
  };
  configure(program);
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

// Lets a person try the commands while main.ts is being assembled:
//   ROUTELAB_DATA_DIR=/tmp/x npx tsx test/integration/policy/policy-cli.ts policy list
if (process.argv[1]?.endsWith('policy-cli.ts')) {
  const r = await runPolicyCli(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
