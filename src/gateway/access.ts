import type { Store } from '../store/db.js';
import { findGatewayKey, hashGatewayKey, type GatewayKey } from '../store/repos/gateway-key-repo.js';
import { GatewayError } from './openai-error.js';

/**
 * Gateway API keys: `Authorization: Bearer <key>` (or `api-key`), looked up by its sha256, cached
 * until the registry sees a key created or revoked (so a revoke takes effect within a poll). The
 * cache holds misses too, bounded, so a flood of wrong keys costs one query each at most once.
 */
export interface Access {
  /** The key's scopes, or null for an anonymous caller (only with allowAnonymous). */
  authenticate(authorization: string | undefined): Promise<GatewayKey | null>;
  /** Refuse a key scoped elsewhere: policies (by name) and projects. */
  authorize(key: GatewayKey | null, target: { policy: string | null; project: string | undefined }): void;
  invalidate(): void;
}

const MAX_CACHED = 10_000;

export function createAccess(store: Store, allowAnonymous: boolean): Access {
  let cache = new Map<string, GatewayKey | null>();
  return {
    authenticate: async (authorization) => {
      const key = bearer(authorization);
      if (key === null) {
        if (allowAnonymous) return null;
        throw new GatewayError(
          401,
          'missing API key: send Authorization: Bearer <key> (create one with `routelab keys create`)',
          'authentication_error',
          'missing_api_key',
        );
      }
      const hash = hashGatewayKey(key);
      let found = cache.get(hash);
      if (found === undefined) {
        found = (await findGatewayKey(store.db, hash)) ?? null;
        if (cache.size >= MAX_CACHED) cache = new Map();
        cache.set(hash, found);
      }
      if (!found) throw new GatewayError(401, 'invalid or revoked API key', 'authentication_error', 'invalid_api_key');
      return found;
    },
    authorize: (key, target) => {
      if (!key) return;
      if (key.policies.length > 0 && (target.policy === null || !key.policies.includes(target.policy))) {
        const what = target.policy === null ? 'catalog models by name' : `policy/${target.policy}`;
        throw new GatewayError(
          403,
          `this key (${key.name}) may not call ${what}; it is scoped to ${key.policies.map((p) => `policy/${p}`).join(', ')}`,
          'permission_error',
          'key_scope',
        );
      }
      if (key.projects.length > 0 && (target.project === undefined || !key.projects.includes(target.project))) {
        throw new GatewayError(
          403,
          `this key (${key.name}) is scoped to project ${key.projects.join(', ')}; set metadata.project to one of them`,
          'permission_error',
          'key_scope',
        );
      }
    },
    invalidate: () => {
      cache = new Map();
    },
  };
}

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ ]+(\S{1,512})$/i.exec(header.trim());
  return m ? (m[1] as string) : null;
}
