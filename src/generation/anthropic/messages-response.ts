// A Messages API answer as the neutral response: the answer's text, why it stopped, its usage.
// https://platform.claude.com/docs/build-with-claude/handling-stop-reasons

import type { Message, StopReason as AnthropicStopReason } from "@anthropic-ai/sdk/resources/messages";
import type { ModelResponse, StopReason } from "../model-client.ts";
import { usageOf } from "./usage.ts";

/** The SDK adds the response's request-id header to the parsed body. */
export type SentMessage = Message & { readonly _request_id?: string | null };

/** The text blocks of an answer; thinking blocks (adaptive thinking) are not the answer. */
function answerText(message: Message): string {
  return message.content
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("");
}

/** Anything that is not a cut or a refusal ends the answer: its text is read as it is. */
export function stopOf(reason: AnthropicStopReason | null): StopReason {
  switch (reason) {
    case "max_tokens":
      return "max_tokens";
    case "refusal":
      return "refusal";
    case "model_context_window_exceeded":
      return "context_window";
    default:
      return "end";
  }
}

export function toModelResponse(message: SentMessage): ModelResponse {
  const stop = stopOf(message.stop_reason);
  return {
    text: answerText(message),
    stop,
    ...(stop === "refusal"
      ? { refusal: { category: message.stop_details?.category ?? null, explanation: message.stop_details?.explanation ?? null } }
      : {}),
    usage: usageOf(message.usage),
    ...(message._request_id ? { requestId: message._request_id } : {}),
  };
}
