import type { RequestInput } from '../domain/request-input.js';

/**
 * What the router sees of a request. `input_tokens` is derived by the caller (the traffic record's
 * usage, or an estimate); `timestamp_ms` places the request in a budget period; `project` is matched
 * against a policy's `scope` (falls back to `metadata.project`).
 */
export type RequestContext = {
  metadata: Record<string, unknown>;
  /** Derived from the messages and params at routing time (`input.*` conditions); absent: unknown. */
  input?: RequestInput | null;
  params: Record<string, unknown>;
  input_tokens: number;
  timestamp_ms: number;
  project?: string;
};

/** A path issue before it is given a file line: segments from the document root. */
export interface PathIssue {
  path: Array<string | number>;
  message: string;
}
