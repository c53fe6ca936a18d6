// Flags and operands shared by the review commands (approve, reject, promote, rollback, proposals show).

import { InputError } from '../../domain/errors.js';
import { ExportFormat } from '../../policy/index.js';
import { resolveProposalId } from '../../store/repos/review-repo.js';
import type { CliContext } from '../context.js';

export function parseFormat(value: string): ExportFormat {
  const parsed = ExportFormat.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(`--format: "${value}" is not one of ${ExportFormat.options.join(', ')}`);
}

export async function requireProposalId(ctx: CliContext, id: string | undefined): Promise<string> {
  if (!id || !id.trim()) throw new InputError('P: name the proposal to act on (see `routelab dashboard`)');
  return resolveProposalId((await ctx.store()).db, id.trim());
}

export interface DecisionFlags {
  comment?: string;
  as?: string;
}
