/**
 * What a catalog entry may point routelab at. A catalog is a file anyone on the team may edit, and
 * the entry's key is sent as a bearer token to its `base_url`: naming `DATABASE_URL` as the key
 * would send the database URL to whoever runs that endpoint. So:
 * - `api_key_env` never names routelab's own settings (DATABASE_URL, REDIS_URL, ROUTELAB_*), and
 *   otherwise must look like a key variable (API_KEY_ENV_PATTERN) unless the entry says
 *   `allow_env: true`;
 * - `base_url` over plain http only to loopback (localhost, 127.0.0.0/8, ::1) unless the entry says
 *   `allow_http: true`: the key would cross the network in clear.
 * Pure: returns problems by field; catalog-parse.ts turns them into located issues.
 */

/** A key variable: upper-case words ending in _API_KEY, _KEY, _TOKEN or _SECRET (OPENAI_API_KEY, HF_TOKEN). */
export const API_KEY_ENV_PATTERN = /^[A-Z][A-Z0-9_]{0,100}_(?:API_KEY|KEY|TOKEN|SECRET)$/;

/** routelab's own settings: never a model's key, whatever the entry says. */
export function isRoutelabSetting(name: string): boolean {
  const upper = name.toUpperCase();
  return upper === 'DATABASE_URL' || upper === 'REDIS_URL' || upper.startsWith('ROUTELAB_');
}

export interface CatalogSafetyInput {
  base_url?: string | undefined;
  api_key_env?: string | undefined;
  allow_env?: boolean | undefined;
  allow_http?: boolean | undefined;
}

export interface CatalogSafetyProblem {
  field: 'api_key_env' | 'base_url';
  message: string;
}

export function catalogSafetyProblems(m: CatalogSafetyInput): CatalogSafetyProblem[] {
  const problems: CatalogSafetyProblem[] = [];
  const env = m.api_key_env;
  if (env !== undefined) {
    if (isRoutelabSetting(env)) {
      problems.push({
        field: 'api_key_env',
        message: `${env} is one of routelab's own settings, never a model's key: name the variable that holds this model's API key`,
      });
    } else if (!API_KEY_ENV_PATTERN.test(env) && m.allow_env !== true) {
      problems.push({
        field: 'api_key_env',
        message: `${env} does not look like an API key variable (…_API_KEY, …_KEY, …_TOKEN, …_SECRET); its value would be sent to base_url as a bearer token. Rename it, or add allow_env: true to the entry`,
      });
    }
  }
  if (m.base_url !== undefined && m.allow_http !== true && plainHttpOffLoopback(m.base_url)) {
    problems.push({
      field: 'base_url',
      message:
        'plain http to a host that is not loopback: the key and the traffic would cross the network unencrypted. Use https, or add allow_http: true to the entry',
    });
  }
  return problems;
}

function plainHttpOffLoopback(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false; // the schema reports a malformed URL
  }
  if (u.protocol !== 'http:') return false;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return false;
  return !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
