// The Messages API request for one story. Pure, so a test can read exactly what is sent.
//
// Shapes left out on purpose, because current models answer them with HTTP 400 (Claude Sonnet
// 5.5: https://platform.claude.com/docs/en/about-claude/models/whats-new-sonnet-5-5): a forced
// tool_choice (structured outputs replace it), temperature/top_p/top_k, thinking budgets or
// thinking "disabled", and an assistant prefill (the last message is always the user's).
// Nothing model-specific is added either, so the same request suits older models.

import type { MessageCreateParamsNonStreaming, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { parseAcceptanceCriteria } from "./acceptance-criteria.ts";
import { answerJsonSchema } from "./answer-schema.ts";
import { resolveOptions } from "./options.ts";
import { SYSTEM_PROMPT, buildFeedbackMessage, buildStoryMessage } from "./prompt.ts";
import type { GenerateOptions, StoryContext } from "./types.ts";

/**
 * Room for adaptive thinking (on by default on Sonnet 5.5) plus the JSON of fifteen subtasks.
 * A "max_tokens" stop is retried once with RAISED_MAX_TOKENS.
 */
export const DEFAULT_MAX_TOKENS = 16_000;
export const RAISED_MAX_TOKENS = 32_000;

export type MessagesRequest = MessageCreateParamsNonStreaming;

/** The criteria the engine works with: the tracker's field, else those stated in the description. */
export function acceptanceCriteriaOf(context: StoryContext): string[] {
  const given = context.acceptanceCriteria.map((criterion) => criterion.trim()).filter((criterion) => criterion !== "");
  return given.length > 0 ? given : parseAcceptanceCriteria(context.description);
}

export function buildMessagesRequest(
  context: StoryContext,
  options: GenerateOptions | undefined,
  model: string,
  maxTokens: number = DEFAULT_MAX_TOKENS,
): MessagesRequest {
  const story = buildStoryMessage(context, acceptanceCriteriaOf(context), resolveOptions(options));
  return {
    model,
    max_tokens: maxTokens,
    // Stable first, marked for the cache; the story follows in the user message.
    system: [{ type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }],
    messages: [{ role: "user", content: story }],
    output_config: { format: { type: "json_schema", schema: { ...answerJsonSchema } } },
  };
}

/**
 * The retry after a rejected answer: the same conversation, Claude's answer as its own turn,
 * then a user turn listing the problems. A conversation, not a prefill: it ends with the user.
 */
export function withFeedback(request: MessagesRequest, previousAnswer: string, issues: readonly string[]): MessagesRequest {
  const first = request.messages[0];
  if (!first) throw new Error("withFeedback needs the story message");
  const messages: MessageParam[] = [
    first,
    // An empty text block is itself a 400, so an empty answer is shown as such.
    { role: "assistant", content: previousAnswer.trim() === "" ? "(empty answer)" : previousAnswer },
    { role: "user", content: buildFeedbackMessage(issues) },
  ];
  return { ...request, messages };
}
