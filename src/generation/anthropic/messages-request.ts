// The neutral request as a Messages API request. Pure, so a test can read exactly what is sent.
//
// Shapes left out on purpose, because current models answer them with HTTP 400 (Claude Sonnet
// 5.5: https://platform.claude.com/docs/en/about-claude/models/whats-new-sonnet-5-5): a forced
// tool_choice (structured outputs replace it), temperature/top_p/top_k, thinking budgets or
// thinking "disabled", and an assistant prefill (the last message is always the user's).
// Nothing model-specific is added either, so the same request suits older models.

import type { MessageCreateParamsNonStreaming, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { ModelMessage, ModelRequest } from "../model-client.ts";
import { toStructuredOutputSchema } from "./structured-output-schema.ts";

export type MessagesRequest = MessageCreateParamsNonStreaming;

function toMessageParam(message: ModelMessage): MessageParam {
  // An empty text block is itself a 400, so an empty answer fed back is shown as such.
  const empty = message.role === "assistant" && message.content.trim() === "";
  return { role: message.role, content: empty ? "(empty answer)" : message.content };
}

export function toMessagesRequest(model: string, request: ModelRequest): MessagesRequest {
  return {
    model,
    max_tokens: request.maxTokens,
    // Stable first, marked for the cache; the run's own data follows in the messages.
    // https://platform.claude.com/docs/en/build-with-claude/prompt-caching
    system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
    messages: request.messages.map(toMessageParam),
    // Structured outputs, GA: no beta header. Effort is sent only when asked for, so the default
    // request stays as it was. https://platform.claude.com/docs/en/build-with-claude/structured-outputs
    output_config: {
      format: { type: "json_schema", schema: toStructuredOutputSchema(request.schema) },
      ...(request.effort ? { effort: request.effort } : {}),
    },
  };
}
