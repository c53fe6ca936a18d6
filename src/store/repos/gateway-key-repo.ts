import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { NotFoundError } from '../../domain/errors.js';
import type { Db } from '../db.js';
import { gatewayKeys } from '../schema/gateway.js';

/** A gateway key as stored: never the key itself, only its hash and first characters. */
export interface GatewayKey {
  id: number;
  name: string;
  keyPrefix: string;
  policies: string[];
  projects: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

const KEY_PREFIX = 'rlk_';

export function hashGatewayKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Create a key: the plain key is returned once, here, and never stored. */
export async function createGatewayKey(
  db: Db,
  input: { name: string; policies: string[]; projects: string[] },
): Promise<{ key: string; record: GatewayKey }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(gatewayKeys)
    .values({
      name: input.name,
      keyHash: hashGatewayKey(key),
      keyPrefix: key.slice(0, KEY_PREFIX.length + 6),
      policies: input.policies,
      projects: input.projects,
    })
    .returning();
  if (!row) throw new Error('gateway_keys insert returned no row');
  return { key, record: toKey(row) };
}

export async function listGatewayKeys(db: Db): Promise<GatewayKey[]> {
  return (await db.select().from(gatewayKeys).orderBy(asc(gatewayKeys.id))).map(toKey);
}

/** Revoke by id or by name (every live key of that name). */
export async function revokeGatewayKey(db: Db, idOrName: string, at: Date): Promise<number> {
  const byId = /^\d{1,9}$/.test(idOrName) ? eq(gatewayKeys.id, Number(idOrName)) : eq(gatewayKeys.name, idOrName);
  const rows = await db
    .update(gatewayKeys)
    .set({ revokedAt: at })
    .where(and(byId, isNull(gatewayKeys.revokedAt)))
    .returning({ id: gatewayKeys.id });
  if (rows.length === 0) throw new NotFoundError('gateway key', idOrName, 'see `routelab keys list`');
  return rows.length;
}

/** The live key with this hash, if any. */
export async function findGatewayKey(db: Db, keyHash: string): Promise<GatewayKey | undefined> {
  const [row] = await db
    .select()
    .from(gatewayKeys)
    .where(and(eq(gatewayKeys.keyHash, keyHash), isNull(gatewayKeys.revokedAt)));
  return row ? toKey(row) : undefined;
}

function toKey(r: typeof gatewayKeys.$inferSelect): GatewayKey {
  return {
    id: r.id,
    name: r.name,
    keyPrefix: r.keyPrefix,
    policies: r.policies,
    projects: r.projects,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
  };
}
