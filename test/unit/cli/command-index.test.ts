import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandNamed } from '../../../src/cli/command-index.js';
import { createContext } from '../../../src/cli/context.js';
import { buildProgram, main } from '../../../src/cli/main.js';

const HEAVY = /^(drizzle-orm|@electric-sql\/pglite|postgres|bullmq|ioredis|ink|react|yaml|zod|ajv|fflate|csv-parse)(\/|$)/;

/** Modules reached from `file` through static imports (a dynamic `import()` is where laziness lives). */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
    const spec = m[1] as string;
    if (spec.startsWith('.')) staticImports(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen);
    else seen.add(spec);
  }
  return seen;
}

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

const quietContext = () => {
  const out = sink();
  return { ctx: createContext({ env: {}, stdout: out.stream, stderr: sink().stream }), out };
};

describe('the lazy command index', () => {
  it('lists every command with the name, help term and description the real command has', async () => {
    const { ctx } = quietContext();
    const real = await buildProgram(ctx); // every command file loaded
    const help = real.createHelp();
    const listed = COMMAND_MODULES.flatMap((m) =>
      Object.entries(m.commands).map(([name, [term, description]]) => ({ name, term, description })),
    );
    expect(listed).toEqual(real.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() })));
  });

  it('`--help` prints the same list without loading a command file', async () => {
    const eager = quietContext();
    const program = await buildProgram(eager.ctx);
    program.outputHelp();
    const lazy = quietContext();
    expect(await main(['node', 'routelab', '--help'], lazy.ctx)).toBe(0);
    expect(lazy.out.text()).toBe(eager.out.text());
  });

  it('a command line loads only the file of the command it names', async () => {
    const { ctx } = quietContext();
    const program = await buildProgram(ctx, ['policy', 'list', '--json']);
    const sub = (name: string) => program.commands.find((c) => c.name() === name)?.commands.length ?? 0;
    expect(sub('policy')).toBeGreaterThan(0);
    expect(sub('runs')).toBe(0);
    expect(commandNamed(['help', 'runs'])).toBe('runs');
    expect(commandNamed(['--json', 'demo'])).toBe('demo');
  });

  it('the start-up path imports no heavy library statically', () => {
    const graph = staticImports(resolve(import.meta.dirname, '../../../src/cli/main.ts'));
    expect([...graph].filter((m) => HEAVY.test(m))).toEqual([]);
    expect(graph.has('commander')).toBe(true);
  });
});
