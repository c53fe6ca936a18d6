import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Issue } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';

/** A parsed YAML file that can say on which line a value sits, so errors name it. */
export interface LocatedYaml {
  value: unknown;
  file: string;
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

export function parseLocatedYaml(text: string, file: string): Result<LocatedYaml> {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line,
        message: `not valid YAML: ${e.message.split('\n')[0] ?? e.code}`,
      })),
    );
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    // Walk up until a node exists: a missing field is reported at its parent's line.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return ok({ value: doc.toJS() as unknown, file, lineOf });
}

export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function zodIssues(error: z.ZodError, doc: LocatedYaml, prefix: ReadonlyArray<PropertyKey> = []): Issue[] {
  return error.issues.map((i) => {
    const path = [...prefix, ...i.path];
    return { file: doc.file, line: doc.lineOf(path), path: dottedPath(path) || undefined, message: i.message };
  });
}
