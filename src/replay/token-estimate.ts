/**
 * Rough token count of a request's messages (≈ 4 characters per token plus a few per message), used
 * only where the source recorded none: routing conditions on `input_tokens` and cost estimates.
 */
export function estimateTokens(messages: ReadonlyArray<{ content: string }>): number {
  let chars = 0;
  for (const m of messages) chars += m.content.length;
  return Math.ceil(chars / 4) + 4 * messages.length;
}
