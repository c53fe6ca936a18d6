/**
 * Output tokens assumed for a call whose request sets no `max_tokens`, when estimating its cost ahead
 * of the call for the hard cost cap. Deliberately generous: the cap must hold, so an estimate errs high.
 */
export const DEFAULT_OUTPUT_TOKENS_ESTIMATE = 1024;

export interface Prices {
  input_price_per_m: number;
  output_price_per_m: number;
}

/** Upper estimate of one call's cost: input tokens × input price + max output tokens × output price. */
export function estimateCallCostUsd(prices: Prices, inputTokens: number, params: Record<string, unknown>): number {
  const max = params.max_tokens ?? params.max_completion_tokens;
  const out = typeof max === 'number' && Number.isFinite(max) && max > 0 ? max : DEFAULT_OUTPUT_TOKENS_ESTIMATE;
  return (inputTokens * prices.input_price_per_m + out * prices.output_price_per_m) / 1e6;
}
