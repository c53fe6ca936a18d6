import { Command, CommanderError } from 'commander';
import { formatIssue, InputError } from '../domain/errors.js';
import { createContext, type CliContext } from './context.js';
import { exitCodeFor } from './action.js';
import { commandNamed, COMMAND_MODULES } from './command-index.js';

/**
 * The program for one command line. Only the command file that `args` names is imported and
 * registered for real; every other command is a name and a description, enough for `--help`
 * (and for the demo's "what to try next", which asks which commands exist). With no `args`,
 * every command is registered for real.
 */
export async function buildProgram(ctx: CliContext, args?: readonly string[]): Promise<Command> {
  const terms = new Map<string, string>();
  const program = new Command('routelab')
    .description(
      'Evidence-driven LLM routing policies: replay traffic across policy variants,\nscore outcomes, propose better weights, approve and promote.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    // Program options only before a subcommand, so `policy export --version 2` is the subcommand's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    // A placeholder lists as the real command would (`run [options]`), from the table.
    .configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? defaultTerm(cmd) })
    .addHelpText(
      'after',
      '\nStore: PGlite in .routelab/ unless DATABASE_URL is set. Jobs: in-process unless REDIS_URL is set.\nExit codes: 0 success, 1 runtime failure, 2 bad input.',
    );
  const named = args ? commandNamed(args) : undefined;
  // In table order, loaded or not, so the help lists commands the same way either way.
  for (const mod of COMMAND_MODULES) {
    if (!args || (named !== undefined && named in mod.commands)) {
      (await mod.load())(program, ctx);
      continue;
    }
    for (const [name, [term, description]] of Object.entries(mod.commands)) {
      terms.set(name, term);
      program.command(name).description(description);
    }
  }
  // Every subcommand inherits exit-override so that bad flags exit 2 instead of killing the process.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

function defaultTerm(cmd: Command): string {
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
  return `${cmd.name()}${cmd.options.length ? ' [options]' : ''}${args ? ` ${args}` : ''}`;
}

export async function main(argv: string[], ctx: CliContext = createContext()): Promise<number> {
  try {
    const program = await buildProgram(ctx, argv.slice(2));
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (unknown option, missing argument) are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    const code = exitCodeFor(error);
    // Loaded on this path only: an error can carry untrusted text (redacted and made inert here).
    const { terminalText } = await import('./output.js');
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
