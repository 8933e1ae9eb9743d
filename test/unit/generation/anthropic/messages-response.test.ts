import { describe, expect, it } from "vitest";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { stopOf, toModelResponse } from "../../../../src/generation/anthropic/messages-response.ts";
import { fixture } from "../support/anthropic-api.ts";

const message = (name: string) => fixture(name) as unknown as Message;

describe("a Messages API answer as the neutral response", () => {
  it.each([
    ["end_turn", "end"],
    ["stop_sequence", "end"],
    ["max_tokens", "max_tokens"],
    ["refusal", "refusal"],
    ["model_context_window_exceeded", "context_window"],
  ] as const)("stop_reason %s is %s", (reason, stop) => {
    expect(stopOf(reason)).toBe(stop);
  });

  it("keeps the text blocks and leaves the thinking out", () => {
    const answer = message("message-checkout-subtasks.json");
    const text = answer.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    expect(answer.content.some((block) => block.type === "thinking")).toBe(true);
    expect(toModelResponse(answer).text).toBe(text);
  });

  it("counts the cache write and read apart from the input, which excludes them", () => {
    expect(toModelResponse(message("message-checkout-subtasks.json")).usage).toEqual({ inputTokens: 1187, outputTokens: 2315, cacheReadTokens: 0, cacheWriteTokens: 1642 });
    expect(toModelResponse(message("message-checkout-subtasks-cached.json")).usage).toEqual({ inputTokens: 1412, outputTokens: 2298, cacheReadTokens: 1642, cacheWriteTokens: 0 });
  });

  it("carries a refusal's category and explanation, and the request id the SDK adds", () => {
    const response = toModelResponse({ ...message("message-refusal.json"), _request_id: "req_1" });
    expect(response).toMatchObject({ stop: "refusal", refusal: { category: "cyber", explanation: "The request asks for help building malware." }, requestId: "req_1" });
    expect(toModelResponse(message("message-checkout-subtasks.json"))).not.toHaveProperty("refusal");
  });
});
