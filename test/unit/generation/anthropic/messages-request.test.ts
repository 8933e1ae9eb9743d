import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toMessagesRequest, type MessagesRequest } from "../../../../src/generation/anthropic/messages-request.ts";
import { toStructuredOutputSchema } from "../../../../src/generation/anthropic/structured-output-schema.ts";
import { answerJsonSchema } from "../../../../src/generation/answer-schema.ts";
import { DEFAULT_MAX_TOKENS, breakdownTask } from "../../../../src/generation/breakdown-task.ts";
import { SYSTEM_PROMPT } from "../../../../src/generation/prompt.ts";
import { loadStoryContextFile } from "../../../../src/generation/story-file.ts";
import { firstRequest, withFeedback } from "../../../../src/generation/structured-generation.ts";
import type { GenerateOptions, StoryContext } from "../../../../src/generation/types.ts";

const storyFile = (name: string) => loadStoryContextFile(new URL(`../../../fixtures/stories/${name}`, import.meta.url).pathname);
const { context: story } = await storyFile("checkout-discount-codes.json");

/** The Messages request for a story's first attempt. */
function requestFor(context: StoryContext, options: GenerateOptions | undefined, model: string): MessagesRequest {
  return toMessagesRequest(model, firstRequest(breakdownTask(context, options)));
}

/** The same conversation after a rejected answer. */
function afterFeedback(context: StoryContext, previousAnswer: string, issues: string[]): MessagesRequest {
  const task = breakdownTask(context);
  return toMessagesRequest("claude-sonnet-5-5", withFeedback(firstRequest(task), previousAnswer, task.feedbackMessage(issues)));
}

/**
 * Request shapes a model answers with HTTP 400: on Claude Sonnet 5.5 a forced tool_choice,
 * sampling parameters, thinking budgets or "disabled", and an assistant prefill; the beta
 * output_format parameter on the GA API.
 */
function refusedShapes(request: MessagesRequest): string[] {
  const body = request as unknown as Record<string, unknown>;
  const found: string[] = [];
  if (body["tool_choice"] !== undefined) found.push("tool_choice");
  for (const sampling of ["temperature", "top_p", "top_k"]) if (body[sampling] !== undefined) found.push(sampling);
  const thinking = body["thinking"] as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === "disabled" || thinking?.budget_tokens !== undefined) found.push("thinking");
  if (request.messages.at(-1)?.role !== "user") found.push("assistant prefill");
  if (body["output_format"] !== undefined) found.push("output_format (beta)");
  return found;
}

/** A request body as it was sent before, compact: the exact bytes, key order included. */
function sentBefore(name: string): string {
  return JSON.stringify(JSON.parse(readFileSync(new URL(`../../../fixtures/anthropic/${name}`, import.meta.url), "utf8")));
}

describe("the Messages API request", () => {
  it.each([
    ["checkout-discount-codes.json", "request-checkout-subtasks.json"],
    ["webhook-retries-hours-scale.json", "request-webhook-retries-hours.json"],
  ])("for the story %s is byte for byte the body in %s, so the prompt cache and the model's instructions stay as they are", async (name, body) => {
    const { context, options } = await storyFile(name);
    expect(JSON.stringify(requestFor(context, options, "claude-sonnet-5-5"))).toBe(sentBefore(body));
  });

  it.each(["claude-sonnet-5-5", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"])("for %s uses no shape the model refuses", (model) => {
    const request = requestFor(story, {}, model);
    expect(request.model).toBe(model);
    expect(refusedShapes(request)).toEqual([]);
    expect(refusedShapes(afterFeedback(story, '{"subtasks":[]}', ["subtasks: too few"]))).toEqual([]);
    expect(Object.keys(request).sort()).toEqual(["max_tokens", "messages", "model", "output_config", "system"]);
  });

  it("marks the system prompt for the prompt cache", () => {
    expect(requestFor(story, {}, "claude-sonnet-5-5").system).toEqual([{ type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }]);
  });

  it("asks for structured output with the answer schema narrowed to what the API accepts, the GA way", () => {
    const request = requestFor(story, {}, "claude-sonnet-5-5");
    expect(request.output_config).toEqual({ format: { type: "json_schema", schema: toStructuredOutputSchema(answerJsonSchema) } });
    expect(request.max_tokens).toBe(DEFAULT_MAX_TOKENS);
  });

  it("sends an effort only when the request names one", () => {
    const neutral = firstRequest(breakdownTask(story));
    expect(toMessagesRequest("claude-sonnet-5-5", neutral).output_config).not.toHaveProperty("effort");
    expect(toMessagesRequest("claude-sonnet-5-5", { ...neutral, effort: "medium" }).output_config).toMatchObject({ effort: "medium" });
  });

  it("is the same for the same story, whatever the options, apart from the story message", () => {
    const a = requestFor(story, {}, "claude-sonnet-5-5");
    const b = requestFor(story, { effortScale: "hours", count: { min: 1, max: 3 } }, "claude-sonnet-5-5");
    expect(b.system).toEqual(a.system);
    expect(b.output_config).toEqual(a.output_config);
    expect(b.messages).not.toEqual(a.messages);
  });

  it("after a rejected answer, continues the conversation with that answer and a user turn listing the problems", () => {
    const request = requestFor(story, {}, "claude-sonnet-5-5");
    const retry = afterFeedback(story, '{"subtasks": 1}', ["subtasks: Invalid input: expected array, received number"]);
    expect(retry.system).toEqual(request.system);
    expect(retry.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(retry.messages[0]).toEqual(request.messages[0]);
    expect(retry.messages[1]!.content).toBe('{"subtasks": 1}');
    expect(retry.messages[2]!.content).toContain("- subtasks: Invalid input: expected array, received number");
  });

  it("shows an empty rejected answer as such, since an empty text turn is itself refused", () => {
    const retry = afterFeedback(story, "  ", ["(answer): the answer has no text"]);
    expect(retry.messages[1]!.content).toBe("(empty answer)");
  });
});
