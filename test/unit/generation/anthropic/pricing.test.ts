import { describe, expect, it } from "vitest";
import { MODEL_PRICES, PRICES_SOURCE, estimateCostUsd, isPriceKnown, priceOf } from "../../../../src/generation/anthropic/pricing.ts";
import type { GenerationUsage } from "../../../../src/generation/types.ts";

const million = (field: keyof GenerationUsage): GenerationUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  [field]: 1_000_000,
});

describe("estimated cost", () => {
  it("uses Sonnet 5.5's list prices per million tokens, cache write and read included", () => {
    expect(estimateCostUsd("claude-sonnet-5-5", million("inputTokens"))).toBe(2);
    expect(estimateCostUsd("claude-sonnet-5-5", million("outputTokens"))).toBe(10);
    expect(estimateCostUsd("claude-sonnet-5-5", million("cacheWriteTokens"))).toBe(2.5);
    expect(estimateCostUsd("claude-sonnet-5-5", million("cacheReadTokens"))).toBe(0.1);
  });

  it("prices cache writes at 1.25× and reads at 0.1× input where the list gives no cache price", () => {
    expect(priceOf("claude-sonnet-4-5-20250929")).toEqual({ inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 });
    expect(priceOf("claude-haiku-4-5-20251001")).toEqual({ inputPerMTok: 1, outputPerMTok: 5, cacheWritePerMTok: 1.25, cacheReadPerMTok: 0.1 });
    expect(priceOf("claude-haiku-5-5")).toMatchObject({ inputPerMTok: 0.1, outputPerMTok: 0.5 });
  });

  it("adds the four kinds of tokens of a typical call", () => {
    const usage = { inputTokens: 1_187, outputTokens: 2_315, cacheReadTokens: 0, cacheWriteTokens: 1_642 };
    // 1,187 × $2 + 2,315 × $10 + 1,642 × $2.50, per million.
    expect(estimateCostUsd("claude-sonnet-5-5", usage)).toBe(0.029629);
    // 3,561 + 34,725 + 6,157.5 millionths of a dollar, rounded to the millionth.
    expect(estimateCostUsd("claude-sonnet-4-5-20250929", usage)).toBe(0.044444);
  });

  it("knows a model by its alias without the date", () => {
    expect(isPriceKnown("claude-sonnet-4-5")).toBe(true);
    expect(priceOf("claude-haiku-4-5")).toEqual(priceOf("claude-haiku-4-5-20251001"));
  });

  it("prices an unknown model like Sonnet 5.5 and flags the estimate as rough", () => {
    expect(isPriceKnown("claude-opus-9")).toBe(false);
    expect(isPriceKnown("claude-sonnet-5-5")).toBe(true);
    expect(estimateCostUsd("claude-opus-9", million("outputTokens"))).toBe(10);
  });
});

describe("the price table", () => {
  it("names the Anthropic pages it comes from and the day it was last checked against them", () => {
    expect(PRICES_SOURCE.urls.length).toBeGreaterThan(0);
    for (const url of PRICES_SOURCE.urls) expect(url).toMatch(/^https:\/\/platform\.claude\.com\/docs\//);
    expect(PRICES_SOURCE.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(`${PRICES_SOURCE.checkedOn}T00:00:00Z`).toISOString().slice(0, 10)).toBe(PRICES_SOURCE.checkedOn);
    expect(Object.keys(MODEL_PRICES)).toContain("claude-sonnet-5-5");
  });
});
