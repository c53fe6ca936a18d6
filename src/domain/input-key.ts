import type { Message } from './traffic-record.js';

/**
 * A stable key for a request's input: the same messages give the same key in every process. Used to
 * match sampled traffic to golden cases, to look up the simulated fleet's answers and to key the
 * response cache. Whitespace at the ends of each message is ignored; roles and order matter.
 */
export function inputKey(messages: readonly Pick<Message, 'role' | 'content'>[]): string {
  const text = messages.map((m) => `${m.role}\u0000${m.content.trim()}`).join('\u0001');
  return `${hash53(text, 0x5eed).toString(16).padStart(14, '0')}${hash53(text, 0xc0ffee).toString(16).padStart(14, '0')}`;
}

/** cyrb53: a fast 53-bit string hash; two seeds give a 106-bit key. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
