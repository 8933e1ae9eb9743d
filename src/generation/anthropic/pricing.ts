// What a generation cost, ESTIMATED from list prices in USD per million tokens (standard tier,
// no batch discount, prompts under any long-context surcharge). Anthropic's invoice is the
// truth; this is for showing a run's cost and spotting outliers.

import type { GenerationUsage } from "../types.ts";

/**
 * Where MODEL_PRICES comes from and when it was last checked against it. Prices change: when
 * they do, update the table and this date together.
 */
export const PRICES_SOURCE = {
  urls: [
    "https://platform.claude.com/docs/en/models/sonnet-5-5/overview",
    // Cache write and read multipliers.
    "https://platform.claude.com/docs/en/build-with-claude/prompt-caching",
  ],
  checkedOn: "2026-11-26",
} as const;

export interface ModelPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** 5-minute cache writes, the TTL the engine uses. */
  readonly cacheWritePerMTok: number;
  readonly cacheReadPerMTok: number;
}

/** Cache writes (5 min) cost 1.25× input and reads 0.1× input unless the price list says otherwise. */
function fromInput(inputPerMTok: number, outputPerMTok: number): ModelPrice {
  // Rounded to a millionth: 3 × 0.1 is 0.30000000000000004 in floating point.
  const toMillionth = (value: number) => Math.round(value * 1_000_000) / 1_000_000;
  return { inputPerMTok, outputPerMTok, cacheWritePerMTok: toMillionth(inputPerMTok * 1.25), cacheReadPerMTok: toMillionth(inputPerMTok * 0.1) };
}

/** List prices as PRICES_SOURCE gave them on PRICES_SOURCE.checkedOn. */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-sonnet-5-5": { inputPerMTok: 2, outputPerMTok: 10, cacheWritePerMTok: 2.5, cacheReadPerMTok: 0.1 },
  // "From" price; prompts above 100K tokens are said to cost more (unconfirmed), far above ours.
  "claude-haiku-5-5": fromInput(0.1, 0.5),
  "claude-haiku-4-5-20251001": fromInput(1, 5),
  "claude-sonnet-4-5-20250929": fromInput(3, 15),
};

/** Unknown models are priced like the default model, and flagged (see isPriceKnown). */
export const FALLBACK_PRICE_MODEL = "claude-sonnet-5-5";

/** The table row for a model id: exact, else the same model without or with a date suffix. */
function rowOf(model: string): ModelPrice | undefined {
  const exact = MODEL_PRICES[model];
  if (exact) return exact;
  const undated = model.replace(/-\d{8}$/, "");
  const match = Object.keys(MODEL_PRICES).find((id) => id.replace(/-\d{8}$/, "") === undated);
  return match ? MODEL_PRICES[match] : undefined;
}

/** Whether the table knows this model; when false, say the cost is a rough estimate. */
export function isPriceKnown(model: string): boolean {
  return rowOf(model) !== undefined;
}

export function priceOf(model: string): ModelPrice {
  return rowOf(model) ?? MODEL_PRICES[FALLBACK_PRICE_MODEL]!;
}

/** Estimated USD for the tokens, rounded to a millionth of a dollar. */
export function estimateCostUsd(model: string, usage: GenerationUsage): number {
  const price = priceOf(model);
  const micro =
    usage.inputTokens * price.inputPerMTok +
    usage.outputTokens * price.outputPerMTok +
    usage.cacheWriteTokens * price.cacheWritePerMTok +
    usage.cacheReadTokens * price.cacheReadPerMTok;
  return Math.round(micro) / 1_000_000;
}
