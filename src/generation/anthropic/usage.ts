import type { Usage } from "@anthropic-ai/sdk/resources/messages";
import type { GenerationUsage } from "../types.ts";

/**
 * One response's usage. `input_tokens` excludes cached tokens: the prompt's full size is
 * input + cache write + cache read (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
 */
export function usageOf(usage: Pick<Usage, "input_tokens" | "output_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens">): GenerationUsage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}
