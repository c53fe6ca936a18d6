/**
 * Heuristics that keep credentials out of files we store: a catalog names the environment
 * variable that holds a key, never the key. False positives are cheap (the user renames a field);
 * a stored key is not.
 */

/** Field names that only ever hold a credential. */
const SECRET_FIELDS = new Set(['api_key', 'apikey', 'key', 'token', 'secret', 'password', 'authorization', 'access_token', 'bearer']);

const KNOWN_PREFIXES = [
  /^sk-[A-Za-z0-9_-]{8,}/,
  /^sk_(live|test)_/,
  /^xox[abp]-/,
  /^gh[pousr]_[A-Za-z0-9]{20,}/,
  /^AIza[0-9A-Za-z_-]{20,}/,
  /^hf_[A-Za-z0-9]{20,}/,
  /^AKIA[0-9A-Z]{16}$/,
];

export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase());
}

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True for text that looks like a credential: a known key prefix, or a long random-looking run of
 * letters and digits. Model names (`meta-llama/Llama-3.1-70B-Instruct-Turbo`) and variable names
 * are made of short segments, so they pass.
 */
export function looksLikeSecret(text: string): boolean {
  const t = text.trim();
  if (KNOWN_PREFIXES.some((re) => re.test(t))) return true;
  const runs = t.match(/[A-Za-z0-9]{20,}/g) ?? [];
  return runs.some((r) => {
    if (!/[0-9]/.test(r) || !/[A-Za-z]/.test(r)) return false;
    // An upper-case run is more likely a long variable name than a key, unless it is very long.
    if (!/[a-z]/.test(r) && r.length < 32) return false;
    return entropy(r) >= 3.5;
  });
}

/** A URL that carries a credential in its user-info or query string. */
export function urlCarriesSecret(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.username || u.password) return true;
    for (const [k, v] of u.searchParams) if (isSecretFieldName(k) || /key|token/i.test(k) || looksLikeSecret(v)) return true;
    return false;
  } catch {
    return false;
  }
}
