import type { z } from 'zod';
import type { Issue } from '../domain/errors.js';
import { loadLocatedYaml } from '../domain/located-yaml.js';
import { err, ok, type Result } from '../domain/result.js';

/** A parsed YAML file that can say on which line a value sits, so errors name it. */
export interface LocatedYaml {
  value: unknown;
  file: string;
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

export function parseLocatedYaml(text: string, file: string): Result<LocatedYaml> {
  // The one hardened loader (size, depth, alias and tag limits): src/domain/located-yaml.ts.
  const loaded = loadLocatedYaml(text, { file, kind: 'catalog and fleet files' });
  if (!loaded.ok) return err(loaded.error);
  const { value, locate } = loaded.value;
  // A missing field is reported at its nearest existing parent's line.
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined =>
    locate(path.map((p) => (typeof p === 'number' ? p : String(p))))?.line;
  return ok({ value, file, lineOf });
}

export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

export function zodIssues(error: z.ZodError, doc: LocatedYaml, prefix: ReadonlyArray<PropertyKey> = []): Issue[] {
  return error.issues.map((i) => {
    const path = [...prefix, ...i.path];
    return { file: doc.file, line: doc.lineOf(path), path: dottedPath(path) || undefined, message: i.message };
  });
}
