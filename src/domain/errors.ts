/**
 * Typed errors. Expected failures travel as values (`Located` issues inside results); these classes
 * are for the boundary where the CLI must choose an exit code: InputError → 2, everything else → 1.
 */

/** Where in a user's input something went wrong. Every user-facing error names one. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path inside a document, e.g. `policy.targets[1].weight`. */
  path?: string;
  field?: string;
}

export interface Issue extends Location {
  message: string;
}

export function formatLocation(loc: Location): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`);
  if (loc.path) parts.push(loc.path);
  else if (loc.field) parts.push(loc.field);
  return parts.join(', ');
}

export function formatIssue(issue: Issue): string {
  const where = formatLocation(issue);
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Bad input from the user (file, flag, field). The CLI exits with code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(issues.length ? `${message}\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}` : message);
  }
}

/** Something named by the user does not exist (policy, run, sample…). Exit code 2. */
export class NotFoundError extends InputError {
  constructor(kind: string, name: string, hint?: string) {
    super(`${kind} "${name}" not found${hint ? ` (${hint})` : ''}`);
  }
}

/** A concurrent writer won (approve/promote races, stale proposals). Exit code 1. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export function checkExhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
