import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Issue } from './errors.js';
import { err, ok, type Result } from './result.js';

/**
 * The one YAML loader for every YAML (or JSON) input: policies, golden sets, the model catalog and
 * fleet, the redaction config. Hostile input is refused before it can cost time or memory, with the
 * same limits everywhere: a size cap, a nesting cap, no aliases or anchors (alias bombs), no tags
 * but the core schema's (`!!js/function`, `!!python/object`), no duplicate keys. Values come back
 * with where they were written, so errors name the file, line and column.
 */

/** Data files (golden sets) can be large; past this a YAML parse would cost seconds and much memory. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;
/** The deepest real document (a policy rule → `$and` → `$or` → field → operator) is about 12 levels. */
export const MAX_YAML_DEPTH = 48;

export type PathSegment = string | number;

export interface LocatedDocument {
  value: unknown;
  /** Line/column of the node at `path` (or its nearest existing parent). */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

export interface LoadYamlOptions {
  file?: string;
  /** A stricter size cap for this kind of file (policies: 256 KiB); never above MAX_YAML_BYTES. */
  maxBytes?: number;
  /** What the file is, plural, for messages: "policies", "golden sets". */
  kind?: string;
}

export function loadLocatedYaml(text: string, options: LoadYamlOptions = {}): Result<LocatedDocument, Issue[]> {
  const { file } = options;
  const kind = options.kind ?? 'YAML files';
  const maxBytes = Math.min(options.maxBytes ?? MAX_YAML_BYTES, MAX_YAML_BYTES);
  const at = (message: string, line?: number, column?: number): Result<never, Issue[]> => err([{ file, line, column, message }]);
  if (text.length > maxBytes) {
    return at(`file is ${text.length} bytes; ${kind} are limited to ${maxBytes} bytes`);
  }
  // The composer recurses per nesting level; refuse deep flow nesting before it can blow the stack.
  const flowDepth = maxBracketDepth(text);
  if (flowDepth > MAX_YAML_DEPTH) return at(`nesting is ${flowDepth} levels deep; the limit is ${MAX_YAML_DEPTH}`);

  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, schema: 'core', merge: false });
  } catch (e) {
    if (e instanceof RangeError) return at(`nesting is too deep to read (limit ${MAX_YAML_DEPTH} levels)`);
    throw e;
  }
  const posOf = (offset: number) => lineCounter.linePos(offset);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) {
    return err(
      problems.map((p) => {
        const { line, col } = posOf(p.pos[0]);
        return { file, line, column: col, message: explainYamlProblem(p.code, p.message, kind) };
      }),
    );
  }
  const hostile = findHostileNode(doc.contents, 0, kind);
  if (hostile) {
    const pos = hostile.node.range ? posOf(hostile.node.range[0]) : undefined;
    return at(hostile.message, pos?.line, pos?.col);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 0 });
  return ok({
    value,
    locate: (path) => {
      const node = nodeAt(doc.contents, path);
      if (!node?.range) return undefined;
      const { line, col } = posOf(node.range[0]);
      return { line, column: col };
    },
  });
}

function explainYamlProblem(code: string, message: string, kind: string): string {
  const first = message.split('\n')[0] ?? message;
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: each key may appear once in a mapping';
    case 'TAG_RESOLVE_FAILED':
      return `custom tags are not allowed (${first})`;
    case 'BAD_ALIAS':
    case 'ALIAS_PROPS':
      return `YAML aliases are not allowed in ${kind}`;
    default:
      return `not valid YAML/JSON: ${first}`;
  }
}

function findHostileNode(node: unknown, depth: number, kind: string): { node: Node; message: string } | undefined {
  if (!isNode(node)) return undefined;
  if (depth > MAX_YAML_DEPTH) return { node, message: `nesting is deeper than ${MAX_YAML_DEPTH} levels` };
  if (isAlias(node)) return { node, message: `YAML aliases (*name) are not allowed in ${kind}` };
  if (node.anchor) return { node, message: `YAML anchors (&${node.anchor}) are not allowed in ${kind}` };
  // Only the core schema's own tags; anything else (`!!js/function`, `!custom`) is refused.
  if (node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) return { node, message: `custom tag ${node.tag} is not allowed` };
  if (isMap(node)) {
    for (const pair of node.items) {
      const hit = findHostileNode(pair.key, depth + 1, kind) ?? findHostileNode(pair.value, depth + 1, kind);
      if (hit) return hit;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const hit = findHostileNode(item, depth + 1, kind);
      if (hit) return hit;
    }
  }
  return undefined;
}

function nodeAt(root: unknown, path: readonly PathSegment[]): Node | undefined {
  let node: unknown = root;
  let last: Node | undefined = isNode(root) ? root : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return last;
      const keyNode = isNode(pair.key) ? pair.key : last;
      node = pair.value;
      last = isNode(pair.value) && pair.value.range ? pair.value : keyNode;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (!isNode(node)) return last;
      last = node;
    } else {
      return last;
    }
  }
  return last;
}

/** Cheap upper bound on flow nesting (`[[[[`, `{{{{`), ignoring brackets inside quotes and comments. */
function maxBracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (comment) {
      if (c === '\n') comment = false;
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s:,[{-]/.test(text[i - 1] ?? ''))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) comment = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return max;
}
