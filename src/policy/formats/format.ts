import { z } from 'zod';
import type { PathIssue } from '../request-context.js';

export const PolicyFormat = z.enum(['watsonx', 'portkey', 'litellm', 'orq']);
export type PolicyFormat = z.infer<typeof PolicyFormat>;

export const ExportFormat = z.enum(['watsonx', 'watsonx-json', 'portkey', 'litellm', 'orq']);
export type ExportFormat = z.infer<typeof ExportFormat>;

export type Path = Array<string | number>;

/**
 * What a reader hands back: a candidate watsonx-shaped document (checked afterwards by the schema
 * and validation), issues found while mapping (source paths), notes on what was read but not kept,
 * and how to translate a spec path back to the source document for error locations.
 */
export interface Converted {
  candidate: unknown;
  issues: PathIssue[];
  notes: string[];
  sourcePath(specPath: Path): Path;
}

export interface ReadOptions {
  /** Policy name when the format has none (Portkey, LiteLLM without x-routelab). */
  name?: string;
}

/** Descriptive fields other formats have no place for travel here, so a round trip keeps them. */
export const META_KEY = 'x-routelab';
export const Meta = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  display_name: z.string().optional(),
});

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Refuse every key outside `known`, naming it: nothing is dropped silently. */
export function refuseUnknownKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  at: Path,
  issues: PathIssue[],
  why: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) issues.push({ path: [...at, key], message: `${key} is not supported: ${why}` });
  }
}

/** The spec fields a target format cannot express, as issues naming the field. */
export function refuse(path: Path, format: string, reason: string): PathIssue {
  return { path, message: `${format} cannot express this: ${reason}` };
}
