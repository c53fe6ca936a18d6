import { Command, CommanderError } from 'commander';
import { formatIssue, InputError } from '../domain/errors.js';
import { createContext, type CliContext } from './context.js';
import { exitCodeFor } from './action.js';
import { registerPolicy } from './commands/policy.js';
import { registerModels } from './commands/models.js';
import { registerTraffic } from './commands/traffic.js';
import { registerGolden } from './commands/golden.js';
import { registerOutcomes } from './commands/outcomes.js';
import { registerRun } from './commands/run.js';
import { registerPropose } from './commands/propose.js';
import { registerReview } from './commands/review.js';
import { registerDemo } from './commands/demo.js';
import { terminalText } from './output.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('routelab')
    .description('Evidence-driven LLM routing policies: replay traffic across policy variants,\nscore outcomes, propose better weights, approve and promote.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    // Program options only before a subcommand, so `policy export --version 2` is the subcommand's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .addHelpText(
      'after',
      '\nStore: PGlite in .routelab/ unless DATABASE_URL is set. Jobs: in-process unless REDIS_URL is set.\nExit codes: 0 success, 1 runtime failure, 2 bad input.',
    );
  for (const register of [registerPolicy, registerModels, registerTraffic, registerGolden, registerOutcomes, registerRun, registerPropose, registerReview, registerDemo]) {
    register(program, ctx);
  }
  // Every subcommand inherits exit-override so that bad flags exit 2 instead of killing the process.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[], ctx: CliContext = createContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (unknown option, missing argument) are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    const code = exitCodeFor(error);
    ctx.stderr.write(`error: ${terminalText(describe(error))}\n`);
    if (code === 1 && ctx.env.ROUTELAB_DEBUG && error instanceof Error && error.stack) ctx.stderr.write(`${terminalText(error.stack)}\n`);
    return code;
  } finally {
    await ctx.close().catch(() => {});
  }
}

function describe(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export { formatIssue };
