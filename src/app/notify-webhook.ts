/** What a webhook POST did; never holds the URL (a secret: it may carry a token in its path). */
export type WebhookResult = { ok: true; status: number } | { ok: false; reason: string };

/**
 * POST a JSON summary to the URL held in an environment variable. Errors are described without the
 * URL: a failed POST says which variable and what went wrong, never where it went.
 */
export async function postWebhook(url: string, body: unknown, opts: { timeoutMs?: number } = {}): Promise<WebhookResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'routelab' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true, status: res.status } : { ok: false, reason: `the receiver answered HTTP ${res.status}` };
  } catch (e) {
    const name = e instanceof Error ? e.name : 'Error';
    const code =
      e instanceof Error && e.cause && typeof e.cause === 'object' && 'code' in e.cause
        ? String((e.cause as { code: unknown }).code)
        : null;
    return {
      ok: false,
      reason:
        name === 'TimeoutError' ? 'no answer within the timeout' : `network error${code ? ` (${code.replace(/[^A-Z0-9_]/g, '')})` : ''}`,
    };
  }
}
