import http from 'node:http';
import https from 'node:https';
import type { HttpReply } from './classified.js';

/** Why a request produced no HTTP reply. `aborted` covers both the deadline and the caller's signal. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: 'network' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface Transport {
  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpReply>;
  /** Close every pooled socket. */
  close(): Promise<void>;
}

const MAX_RESPONSE = 32 * 1024 * 1024;

/** node:http with its own keep-alive agents, so close() really closes every socket we opened. */
export function createNodeTransport(): Transport {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };
  return {
    post: (url, headers, body, signal) =>
      new Promise<HttpReply>((resolve, reject) => {
        const u = new URL(url);
        const secure = u.protocol === 'https:';
        const fail = (e: unknown, midBody: boolean) => {
          if (signal.aborted) return reject(new TransportError('aborted', 'aborted'));
          const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
          const what = midBody ? 'the connection closed in the middle of the response body' : describeNetworkError(code, e);
          reject(new TransportError('network', what));
        };
        const req = (secure ? https : http).request(
          u,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            agent: secure ? agents.https : agents.http,
            signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            let settled = false;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size > MAX_RESPONSE) {
                settled = true;
                res.destroy();
                reject(new TransportError('network', `the response is larger than ${MAX_RESPONSE} bytes`));
                return;
              }
              chunks.push(c);
            });
            res.on('error', (e) => {
              if (!settled) {
                settled = true;
                fail(e, true);
              }
            });
            res.on('close', () => {
              if (settled) return;
              settled = true;
              if (!res.complete) return fail(undefined, true);
              const headersOut: Record<string, string | undefined> = {};
              for (const [k, v] of Object.entries(res.headers)) headersOut[k] = Array.isArray(v) ? v.join(', ') : v;
              resolve({ status: res.statusCode ?? 0, headers: headersOut, body: Buffer.concat(chunks).toString('utf8') });
            });
          },
        );
        req.on('error', (e) => fail(e, false));
        req.end(body);
      }),
    close: async () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** Wrap a fetch implementation (tests, proxies, edge runtimes) in the same interface. */
export function createFetchTransport(fetchImpl: typeof fetch): Transport {
  return {
    post: async (url, headers, body, signal) => {
      let res: Response;
      try {
        res = await fetchImpl(url, { method: 'POST', headers, body, signal });
      } catch (e) {
        if (signal.aborted) throw new TransportError('aborted', 'aborted');
        throw new TransportError('network', describeNetworkError(causeCode(e), e));
      }
      let text: string;
      try {
        text = await res.text();
      } catch {
        if (signal.aborted) throw new TransportError('aborted', 'aborted');
        throw new TransportError('network', 'the connection closed in the middle of the response body');
      }
      const out: Record<string, string | undefined> = {};
      res.headers.forEach((v, k) => (out[k.toLowerCase()] = v));
      return { status: res.status, headers: out, body: text };
    },
    close: async () => {},
  };
}

function causeCode(e: unknown): string {
  const cause = e && typeof e === 'object' && 'cause' in e ? (e as { cause: unknown }).cause : undefined;
  return cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
}

/** A network failure's code in words a user can act on (the chat client and the gateway's upstream). */
export function describeNetworkError(code: string, e: unknown): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the endpoint running?)';
    case 'ECONNRESET':
      return 'socket hang up: the endpoint closed the connection before answering';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the endpoint host name does not resolve';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      return code ? `network error (${code})` : `network error${e instanceof Error ? `: ${e.message}` : ''}`;
  }
}
