import type { Command } from 'commander';
import { sanitizeInline } from '../../domain/sanitize.js';
import { createGatewayKey, listGatewayKeys, revokeGatewayKey, type GatewayKey } from '../../store/repos/gateway-key-repo.js';
import { collect } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, printList, println, table } from '../output.js';

/** `routelab keys create|list|revoke`: gateway API keys, stored hashed, shown once. */
export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('Gateway API keys for `routelab serve` (stored hashed; shown once)');

  keys
    .command('create')
    .description('Create a key; it is printed once and never again')
    .requiredOption('--name <name>', 'what the key is for (shown in logs and `keys list`)')
    .option('--policy <name>', 'only this policy (repeatable; default: every policy and model)', collect)
    .option('--project <id>', 'only requests of this project (repeatable)', collect)
    .option('--json', 'print {"key": ...} only')
    .action(async (opts: { name: string; policy?: string[]; project?: string[]; json?: boolean }) => {
      const store = await ctx.store();
      const { key, record } = await createGatewayKey(store.db, {
        name: opts.name,
        policies: opts.policy ?? [],
        projects: opts.project ?? [],
      });
      if (opts.json) return printJson(ctx, { key, id: record.id, name: record.name, policies: record.policies, projects: record.projects });
      println(ctx, key);
      note(ctx, `key ${record.id} (${sanitizeInline(record.name)}) created: copy it now, it is not shown again`);
    });

  keys
    .command('list')
    .description('List keys (never the keys themselves)')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      printList(ctx, await listGatewayKeys(store.db), {
        json: opts.json,
        empty: 'no keys yet: routelab keys create --name N',
        table: keyTable,
      });
    });

  keys
    .command('revoke')
    .description('Revoke a key by id or name (every gateway refuses it within a reload)')
    .argument('<key>', 'key id or name')
    .option('--json', 'print JSON only')
    .action(async (idOrName: string, opts: { json?: boolean }) => {
      const store = await ctx.store();
      const n = await revokeGatewayKey(store.db, idOrName, new Date(ctx.clock.now()));
      if (opts.json) return printJson(ctx, { revoked: n });
      println(ctx, `revoked ${n} key${n === 1 ? '' : 's'}`);
    });
}

function keyTable(rows: readonly GatewayKey[]): string {
  return table(
    ['id', 'name', 'prefix', 'policies', 'projects', 'state'],
    rows.map((k) => [
      k.id,
      sanitizeInline(k.name),
      k.keyPrefix,
      k.policies.map(sanitizeInline).join(',') || 'any',
      k.projects.map(sanitizeInline).join(',') || 'any',
      k.revokedAt ? 'revoked' : 'live',
    ]),
  );
}
