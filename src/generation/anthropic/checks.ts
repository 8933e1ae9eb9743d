// Anthropic's lines of `subtasks doctor`: the model exists, and the key works. count_tokens is
// free and produces no output tokens; neither call generates anything.
// https://docs.anthropic.com/en/api/models (GET /v1/models/{model_id}),
// https://docs.anthropic.com/en/api/messages-count-tokens
import Anthropic from "@anthropic-ai/sdk";
import type { AnthropicConfig } from "../../config/config.ts";
import { failed, passed, type Check, type CheckOutcome } from "../../operate/checklist.ts";

const KEY_FIX = "check ANTHROPIC_API_KEY (console.anthropic.com → API keys)";

function refusal(error: unknown, model: string): CheckOutcome {
  if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) {
    return failed(`Anthropic refused the key (HTTP ${error.status})`, KEY_FIX);
  }
  if (error instanceof Anthropic.NotFoundError) {
    return failed(`no model ${model}`, "set ANTHROPIC_MODEL to a model id from https://docs.anthropic.com/en/docs/about-claude/models");
  }
  if (error instanceof Anthropic.APIError && error.status !== undefined) return failed(`HTTP ${error.status}: ${error.message}`, "try again later; if it stays, check status.anthropic.com");
  return failed((error as Error).message, `check the network and ANTHROPIC_BASE_URL`);
}

export function anthropicChecks(config: AnthropicConfig & { readonly apiKey: string }): Check[] {
  const client = new Anthropic({ apiKey: config.apiKey, baseURL: config.baseUrl, maxRetries: 1, timeout: 15_000 });
  return [
    {
      name: "Anthropic: model",
      async run() {
        try {
          const model = await client.models.retrieve(config.model);
          return passed(`${model.id}${model.display_name ? ` (${model.display_name})` : ""}`);
        } catch (error) {
          return refusal(error, config.model);
        }
      },
    },
    {
      name: "Anthropic: key",
      // Rate-limited like any call, and the model line already proves the key at start.
      thorough: true,
      needs: "Anthropic: model",
      async run() {
        try {
          const count = await client.messages.countTokens({ model: config.model, messages: [{ role: "user", content: "ping" }] });
          return passed(`count_tokens answered (${count.input_tokens} input tokens; nothing generated)`);
        } catch (error) {
          return refusal(error, config.model);
        }
      },
    },
  ];
}
