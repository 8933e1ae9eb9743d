// The ModelClient port on Anthropic's Messages API: the neutral request mapped to a Messages
// request, sent with our timeout and retries, the answer mapped back, the tokens priced.

import { sleep } from "../../async/sleep.ts";
import type { CallBudget } from "../../budget/call-budget.ts";
import type { AnthropicConfig } from "../../config/config.ts";
import type { Logger } from "../../log/logger.ts";
import type { ModelClient } from "../model-client.ts";
import { createAnthropicClient } from "./client.ts";
import { toMessagesRequest } from "./messages-request.ts";
import { toModelResponse } from "./messages-response.ts";
import { estimateCostUsd, isPriceKnown } from "./pricing.ts";
import { DEFAULT_MODEL_RETRY_POLICY, DEFAULT_TIMEOUT_MS, sendMessage, type ModelRetryPolicy } from "./send-message.ts";

export interface AnthropicModelClientDeps {
  /** For retries and answers; a call may bring its own (bound to a story). */
  readonly logger: Logger;
  /** Per Messages API call; default 120 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<ModelRetryPolicy>;
  /** Injected so tests do not wait; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected so tests choose the jitter; default Math.random. */
  readonly random?: () => number;
  /**
   * The model calls in flight across every process sharing the database (MODEL_CONCURRENCY),
   * shrinking on 429/529; unset (the CLI on a story file, the eval): calls are not limited here.
   */
  readonly budget?: CallBudget;
}

/**
 * The client for the configured model, or null when ANTHROPIC_API_KEY is unset. The configured
 * effort (ANTHROPIC_EFFORT) goes with every request that does not name its own; without one the
 * request is sent as before, so the API's default applies.
 */
export function createAnthropicModelClient(config: AnthropicConfig, deps: AnthropicModelClientDeps): ModelClient | null {
  const sdk = createAnthropicClient(config);
  if (!sdk) return null;
  const model = config.model;
  const sendDeps = {
    client: sdk,
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_MODEL_RETRY_POLICY, ...deps.retry },
    sleep: deps.sleep ?? sleep,
    random: deps.random ?? Math.random,
    budget: deps.budget,
  };

  return {
    model,
    priceKnown: isPriceKnown(model),
    async complete(request, options) {
      const logger = options?.logger ?? deps.logger;
      const effort = request.effort ?? config.effort;
      const message = await sendMessage(toMessagesRequest(model, effort ? { ...request, effort } : request), { ...sendDeps, logger });
      logger.debug({ requestId: message._request_id, stopReason: message.stop_reason, usage: message.usage }, "claude answered");
      return toModelResponse(message);
    },
    costOf: (usage) => estimateCostUsd(model, usage),
  };
}
