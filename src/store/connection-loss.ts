/**
 * SQLSTATE classes 08 (connection exception) and 57P (operator intervention), and postgres.js's own
 * codes. CONNECT_TIMEOUT too: a server that is restarting, or a machine too busy to answer within
 * connect_timeout, is as passing as a refused connection (it used to cost a chunk one of its attempts).
 */
const CONNECTION_CODES =
  /^(08\d\d\d|57P0[1-3]|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|CONNECT_TIMEOUT|CONNECTION_(CLOSED|ENDED|DESTROYED))$/;

/**
 * A write the driver reported done that is not in the store: its statement was lost with its
 * connection (see confirmStored in jobs/process-chunk.ts). Retrying it is safe and is what fixes it.
 */
export class LostWriteError extends Error {
  override name = 'LostWriteError';
}

/**
 * True when an error means the database connection was lost (a terminated backend, a restart), not
 * that the statement was wrong: such work is worth retrying once the database is back.
 */
export function isConnectionLoss(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    if (c instanceof LostWriteError) return true;
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.test(code)) return true;
  }
  return false;
}
