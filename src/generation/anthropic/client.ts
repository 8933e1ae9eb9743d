import Anthropic from "@anthropic-ai/sdk";
import type { AnthropicConfig } from "../../config/config.ts";

export type AnthropicClient = Anthropic;

/**
 * The SDK client on the configured base URL and key, or null when ANTHROPIC_API_KEY is unset
 * (the generator then fails each story with GenerationUnavailable instead of the bot refusing
 * to start). The key is passed explicitly so the SDK reads no other credential from the
 * environment. maxRetries is 0 because the engine retries itself (send-message.ts): one
 * policy, with retry-after, spend limits and logging under our control.
 */
export function createAnthropicClient(config: AnthropicConfig): AnthropicClient | null {
  if (!config.apiKey) return null;
  return new Anthropic({ apiKey: config.apiKey, baseURL: config.baseUrl, maxRetries: 0 });
}
