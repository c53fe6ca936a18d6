import type { Command } from 'commander';
import { basename, extname } from 'node:path';
import { goldenFromSample, JUDGE_MODEL_ENV } from '../../app/golden-from-sample.js';
import { InputError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { MAX_GOLDEN_BYTES, readCappedText } from '../../providers/read-capped.js';
import { parseGoldenText } from '../../scoring/index.js';
import { importGoldenSet, listGoldenSets } from '../../store/repos/golden-repo.js';
import type { CliContext } from '../context.js';
import { note, printJson, printList, println, table } from '../output.js';

/** `routelab golden import --file G | list | from-sample --sample S --name G`. */
export function registerGolden(program: Command, ctx: CliContext): void {
  const golden = program.command('golden').description('Golden sets: cases with references and assertions to score answers against');

  golden
    .command('import')
    .description('Add or update a golden set from a YAML or JSONL file (same name: cases upserted by id)')
    .requiredOption('--file <file>', 'golden set file (.yaml, .yml, .json or .jsonl)')
    .option('--name <name>', 'set name (default: `name` in the file, else the file name)')
    .option('--json', 'print JSON only')
    .action(async (opts: { file: string; name?: string; json?: boolean }) => {
      const text = await readText(opts.file);
      const parsed = parseGoldenText(text, opts.file);
      if (!parsed.ok) throw new InputError(`${opts.file} is not a valid golden set`, parsed.error);
      const name = opts.name ?? parsed.value.name ?? basename(opts.file, extname(opts.file));
      const store = await ctx.store();
      const counts = await importGoldenSet(store.db, name, parsed.value.cases, `file:${opts.file}`);
      const result = { name, id: counts.id, cases: parsed.value.cases.length, imported: counts.imported, updated: counts.updated };
      if (opts.json) return printJson(ctx, result);
      println(
        ctx,
        `golden set "${sanitizeInline(name)}": ${result.cases} case${plural(result.cases)} (${counts.imported} new, ${counts.updated} updated)`,
      );
    });

  golden
    .command('list')
    .description('List golden sets with their case and unreviewed counts')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      printList(ctx, await listGoldenSets(store.db), {
        json: opts.json,
        empty: 'no golden sets yet: routelab golden import --file G',
        table: (sets) =>
          table(
            ['name', 'cases', 'unreviewed', 'source', 'updated'],
            sets.map((s) => [
              sanitizeInline(s.name),
              s.cases,
              s.unreviewed,
              sanitizeInline(s.source),
              s.updated_at.slice(0, 16).replace('T', ' '),
            ]),
          ),
      });
    });

  golden
    .command('from-sample')
    .description('Bootstrap an unreviewed golden set from a traffic sample (original answers as references)')
    .requiredOption('--sample <sample>', 'sample name (routelab traffic sample)')
    .requiredOption('--name <name>', 'golden set name')
    .option('--judge-model <model>', `add a pairwise judge assertion with this model (default: $${JUDGE_MODEL_ENV})`)
    .option('--json', 'print JSON only')
    .action(async (opts: { sample: string; name: string; judgeModel?: string; json?: boolean }) => {
      const store = await ctx.store();
      const judgeModel = opts.judgeModel ?? (ctx.env[JUDGE_MODEL_ENV] || undefined);
      const result = await goldenFromSample(store.db, { sample: opts.sample, name: opts.name, judgeModel });
      const { cases, skipped } = result;
      if (opts.json) return printJson(ctx, result);
      println(
        ctx,
        `golden set "${sanitizeInline(opts.name)}" from sample "${sanitizeInline(result.sample)}": ${cases} unreviewed case${plural(cases)} (${result.imported} new, ${result.updated} updated)`,
      );
      if (skipped > 0)
        note(ctx, `note: ${skipped} record${plural(skipped)} skipped (no request content, or no successful answer to use as reference)`);
      note(
        ctx,
        judgeModel
          ? `assertions: token_f1 against the reference + pairwise judge (${judgeModel})`
          : `assertions: token_f1 against the reference (set --judge-model or ${JUDGE_MODEL_ENV} to add a judge)`,
      );
    });
}

async function readText(file: string): Promise<string> {
  try {
    return await readCappedText(file, MAX_GOLDEN_BYTES, 'golden sets');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
    throw new InputError(`cannot read ${file}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}`);
  }
}

const plural = (n: number) => (n === 1 ? '' : 's');
