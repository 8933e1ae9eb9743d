import type { GenerationUsage } from "./types.ts";

export const NO_USAGE: GenerationUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** The tokens of two calls together: a generation pays for every attempt it needed. */
export function addUsage(total: GenerationUsage, usage: GenerationUsage): GenerationUsage {
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    cacheReadTokens: total.cacheReadTokens + usage.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + usage.cacheWriteTokens,
  };
}

export function totalTokens(usage: GenerationUsage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}
