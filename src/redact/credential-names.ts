/**
 * Field names whose value is a credential whatever it looks like: `api_key`, `API-Key`, `apiKey`,
 * `x-api-key`, `Authorization`, `db_password`, `openai_api_key`, `Set-Cookie`, … Matching ignores
 * case and separators (`_`, `-`, `.`, spaces, camelCase), so `X_Api_Key` and `xApiKey` are one name.
 * Pure.
 */

/** Whole words (after splitting the name) that make it a credential name. */
const CREDENTIAL_WORDS = new Set([
  'apikey',
  'authorization',
  'auth',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'cookie',
  'cookies',
  'credential',
  'credentials',
  'bearer',
  'privatekey',
  'accesskey',
  'secretkey',
  'clientsecret',
  'sessionid',
  'sessiontoken',
  'signature',
  'ssn',
  'xapikey',
  'setcookie',
  'proxyauthorization',
  'connectionstring',
  'databaseurl',
]);

/** Adjacent word pairs that make a credential name (`api key`, `private key`, `access key`). */
const CREDENTIAL_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'client secret',
  'session id',
  'connection string',
  'database url',
  'set cookie',
]);

/** Whole names (separators removed) that are credentials though none of their words is. */
const CREDENTIAL_NAMES = new Set(['key', 'pass', 'apikey', 'xapikey', 'authkey', 'otp', 'pin', 'cvv', 'cvc']);

/** Fragments that name a credential even glued to other words (`myapikey`, `dbpassword`). */
const CREDENTIAL_FRAGMENTS =
  /apikey|passw(?:or)?d|passphrase|authorization|privatekey|accesskey|secretkey|clientsecret|(?:auth|access|refresh|session|bearer|api|id)token/;

const MEMO_MAX = 4096;
const memo = new Map<string, boolean>();

/** True when a value under this field name is a credential and is replaced whole. */
export function isCredentialName(name: string): boolean {
  if (name.length > 128) return false;
  let r = memo.get(name);
  if (r === undefined) {
    r = decide(name);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(name, r);
  }
  return r;
}

function decide(name: string): boolean {
  // camelCase → words, then every run of non-letters is a separator.
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]{1,128}/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return false;
  const joined = words.join('');
  if (CREDENTIAL_NAMES.has(joined) || CREDENTIAL_FRAGMENTS.test(joined)) return true;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (CREDENTIAL_WORDS.has(w)) return true;
    if (i + 1 < words.length && CREDENTIAL_PAIRS.has(`${w} ${words[i + 1]}`)) return true;
  }
  return false;
}
