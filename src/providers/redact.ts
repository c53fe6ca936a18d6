/**
 * Scrub credentials out of text that may reach a CallResult, an error message or a log: the exact
 * key we sent (a misbehaving server may echo it back) and anything shaped like a bearer token.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out
    .replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    // Google API keys and AWS access key ids, should a provider echo one we did not send.
    .replace(/\bAIza[0-9A-Za-z_-]{20,}/g, '[redacted]')
    .replace(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted]');
}

/** A short, single-line, control-free excerpt of a body for an error message. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
