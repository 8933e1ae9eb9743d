import type { Usage } from "@anthropic-ai/sdk/resources/messages";
import type { GenerationUsage } from "./types.ts";

export const NO_USAGE: GenerationUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/**
 * Adds one response's usage. `input_tokens` excludes cached tokens: the prompt's full size is
 * input + cache write + cache read (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
 */
export function addUsage(total: GenerationUsage, usage: Pick<Usage, "input_tokens" | "output_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens">): GenerationUsage {
  return {
    inputTokens: total.inputTokens + (usage.input_tokens ?? 0),
    outputTokens: total.outputTokens + (usage.output_tokens ?? 0),
    cacheReadTokens: total.cacheReadTokens + (usage.cache_read_input_tokens ?? 0),
    cacheWriteTokens: total.cacheWriteTokens + (usage.cache_creation_input_tokens ?? 0),
  };
}

export function totalTokens(usage: GenerationUsage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}
