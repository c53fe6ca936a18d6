import type { Command } from 'commander';
import { NotFoundError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { policyDocumentYaml } from '../../policy/index.js';
import {
  getActiveVersion,
  getPolicyVersion,
  listPolicies,
  policyHistory,
  removePolicy,
  type PolicyVersion,
} from '../../store/repos/policy-repo.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, printList, println, table } from '../output.js';

/** remove, list, show, history. */
export function registerPolicyRegistry(policy: Command, ctx: CliContext): void {
  policy
    .command('remove')
    .description('Remove a policy (its versions stay for the history of past runs)')
    .requiredOption('-n, --name <name>', 'policy name')
    .action(async (opts: { name: string }) => {
      await removePolicy((await ctx.store()).db, opts.name);
      println(ctx, `removed ${sanitizeInline(opts.name)}; its versions are kept: routelab policy history -n ${sanitizeInline(opts.name)}`);
    });

  policy
    .command('list')
    .description('List policies with their active version')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      printList(ctx, await listPolicies((await ctx.store()).db), {
        json: opts.json,
        asJson: (rows) =>
          rows.map((r) => ({
            name: r.name,
            active_version: r.activeVersion,
            versions: r.versions,
            mode: r.mode,
            description: r.description,
          })),
        empty: 'no policies yet: routelab policy import --file my_spec.yaml',
        table: (rows) =>
          table(
            ['name', 'active', 'versions', 'mode', 'description'],
            rows.map((r) => [
              sanitizeInline(r.name),
              r.activeVersion ?? '-',
              r.versions,
              r.mode ?? '-',
              sanitizeInline(r.description ?? ''),
            ]),
          ),
      });
    });

  policy
    .command('show')
    .description('Show a policy version as YAML')
    .requiredOption('-n, --name <name>', 'policy name')
    .option('--version <v>', 'version number (default: the active one)', parseIntOption('--version'))
    .option('--json', 'print JSON only')
    .action(async (opts: { name: string; version?: number; json?: boolean }) => {
      const v = await findVersion(ctx, opts.name, opts.version);
      if (opts.json) return printJson(ctx, versionJson(v, true));
      note(
        ctx,
        `${v.name} version ${v.version}${v.isActive ? ' (active)' : ''}, ${v.origin} from ${v.sourceFormat}, ${v.createdAt.toISOString()}`,
      );
      println(ctx, policyDocumentYaml(v.spec).trimEnd());
    });

  policy
    .command('history')
    .description('List every version of a policy')
    .requiredOption('-n, --name <name>', 'policy name')
    .option('--json', 'print JSON only')
    .action(async (opts: { name: string; json?: boolean }) => {
      const versions = await policyHistory((await ctx.store()).db, opts.name);
      if (versions.length === 0) throw new NotFoundError('policy', opts.name, 'see `routelab policy list`');
      if (opts.json)
        return printJson(
          ctx,
          versions.map((v) => versionJson(v, false)),
        );
      println(
        ctx,
        table(
          ['version', 'active', 'origin', 'format', 'by', 'created (UTC)'],
          versions.map((v) => [
            v.version,
            v.isActive ? 'yes' : '',
            v.origin,
            v.sourceFormat,
            sanitizeInline(v.createdBy ?? '-'),
            v.createdAt.toISOString().slice(0, 19).replace('T', ' '),
          ]),
        ),
      );
    });
}

export async function findVersion(ctx: CliContext, name: string, version?: number): Promise<PolicyVersion> {
  const db = (await ctx.store()).db;
  const v = version === undefined ? await getActiveVersion(db, name) : await getPolicyVersion(db, name, version);
  if (!v)
    throw new NotFoundError(
      version === undefined ? 'policy' : `version ${version} of policy`,
      name,
      'see `routelab policy list` and `policy history`',
    );
  return v;
}

function versionJson(v: PolicyVersion, withSpec: boolean): Record<string, unknown> {
  return {
    name: v.name,
    version: v.version,
    active: v.isActive,
    origin: v.origin,
    source_format: v.sourceFormat,
    created_by: v.createdBy,
    created_at: v.createdAt.toISOString(),
    ...(withSpec ? { spec: v.spec } : {}),
  };
}
