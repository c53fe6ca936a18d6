/**
 * The reason to store or show for a failed database statement: the driver's own message (and its
 * detail), never the query text or its parameters, which drizzle's "Failed query: …" wraps around it
 * (a stored reason of 500 characters of SQL said nothing about the cause).
 */
export function errorReason(e: unknown): string {
  let c: unknown = e;
  for (let depth = 0; depth < 4 && c instanceof Error && c.message.startsWith('Failed query:') && c.cause !== undefined; depth++)
    c = c.cause;
  if (!(c instanceof Error)) return String(c);
  const detail = (c as { detail?: unknown }).detail;
  const code = (c as { code?: unknown }).code;
  const base = c.message.startsWith('Failed query:') ? 'a database statement failed' : c.message;
  return `${base}${typeof detail === 'string' && detail ? ` (${detail})` : ''}${typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? ` [SQLSTATE ${code}]` : ''}`;
}

/** An Error carrying errorReason(e) as its message, the original as its cause (connection-loss checks read it). */
export function readableError(e: unknown): Error {
  const reason = errorReason(e);
  if (e instanceof Error && e.message === reason) return e;
  return new Error(reason, { cause: e });
}
