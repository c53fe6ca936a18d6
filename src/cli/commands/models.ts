import type { Command } from 'commander';
import type { CatalogEntry } from '../../domain/catalog-entry.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { loadCatalogFile } from '../../providers/catalog-file.js';
import { listModels, upsertModels } from '../../store/repos/catalog-repo.js';
import type { CliContext } from '../context.js';
import { note, printJson, printList, println, table } from '../output.js';

/** `routelab models import --file catalog.yaml | list`: the model catalog. */
export function registerModels(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('The model catalog: endpoints, key variables, prices, limits');

  models
    .command('import')
    .description('Add or update models from a catalog.yaml (a key itself is refused: name its env var)')
    .requiredOption('--file <catalog.yaml>', 'catalog file')
    .option('--json', 'print JSON only')
    .action(async (opts: { file: string; json?: boolean }) => {
      const entries = await loadCatalogFile(opts.file);
      const store = await ctx.store();
      const counts = await upsertModels(store.db, entries);
      if (opts.json) return printJson(ctx, { file: opts.file, ...counts, models: entries });
      println(ctx, `imported ${entries.length} model${entries.length === 1 ? '' : 's'} (${counts.added} added, ${counts.updated} updated)`);
      println(ctx, catalogTable(entries));
      const missing = [...new Set(entries.map((e) => e.api_key_env).filter((v): v is string => !!v && !ctx.env[v]))];
      if (missing.length > 0)
        note(
          ctx,
          `note: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set in this environment; calls to those models will fail with 401`,
        );
    });

  models
    .command('list')
    .description('List the catalog')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      printList(ctx, await listModels(store.db), {
        json: opts.json,
        empty: 'no models yet: routelab models import --file catalog.yaml',
        table: catalogTable,
      });
    });
}

function catalogTable(entries: readonly CatalogEntry[]): string {
  return table(
    ['model', 'endpoint', 'key env', '$/M in', '$/M out', 'ctx', 'conc', 'rpm'],
    entries.map((e) => [
      sanitizeInline(e.name),
      e.simulated ? 'simulated' : sanitizeInline(endpointOf(e)),
      e.api_key_env ?? '-',
      money(e.price.input_per_m),
      money(e.price.output_per_m),
      e.context_window === null ? '-' : compact(e.context_window),
      e.concurrency,
      e.rate_limit_rpm === null ? '-' : compact(e.rate_limit_rpm),
    ]),
  );
}

/** The host, prefixed by the provider kind unless it is the OpenAI-compatible default. */
function endpointOf(e: CatalogEntry): string {
  const host = e.base_url ? hostOf(e.base_url) : '(default endpoint)';
  return e.provider && e.provider !== 'openai' ? `${e.provider}: ${host}` : host;
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

function money(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(2);
}

function compact(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
