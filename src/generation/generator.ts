// The engine: one story in, validated subtasks and what they cost out. Knows nothing of Slack,
// trackers or runs; the Anthropic client comes in from the composition root.

import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { sleep } from "../async/sleep.ts";
import type { Logger } from "../log/logger.ts";
import type { AnthropicClient } from "./client.ts";
import { GenerationUnavailable, InvalidOutput, OutputTruncated, Refused } from "./errors.ts";
import { resolveOptions } from "./options.ts";
import { parseAnswer } from "./parse-answer.ts";
import { postProcess } from "./post-process.ts";
import { estimateCostUsd, isPriceKnown } from "./pricing.ts";
import { RAISED_MAX_TOKENS, acceptanceCriteriaOf, buildMessagesRequest, withFeedback, type MessagesRequest } from "./request.ts";
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, sendMessage, type RetryPolicy } from "./send-message.ts";
import type { GenerateOptions, GenerationResult, GenerationUsage, StoryContext, SubtaskGenerator } from "./types.ts";
import { NO_USAGE, addUsage, totalTokens } from "./usage.ts";

export interface SubtaskGeneratorDeps {
  /** null when ANTHROPIC_API_KEY is unset: every generate() fails with GenerationUnavailable. */
  readonly client: AnthropicClient | null;
  readonly model: string;
  readonly logger: Logger;
  /** Per Messages API call; default 120 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Injected so tests do not wait; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected so tests choose the jitter; default Math.random. */
  readonly random?: () => number;
  /** Injected for durationMs; default performance.now. */
  readonly now?: () => number;
}

/** The text blocks of an answer; thinking blocks (adaptive thinking) are not the answer. */
function answerText(message: Message): string {
  return message.content
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("");
}

export function createSubtaskGenerator(deps: SubtaskGeneratorDeps): SubtaskGenerator {
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const sendDeps = {
    logger: deps.logger,
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry,
    sleep: deps.sleep ?? sleep,
    random: deps.random ?? Math.random,
  };
  const now = deps.now ?? (() => performance.now());
  const model = deps.model;

  return {
    async generate(context: StoryContext, options?: GenerateOptions): Promise<GenerationResult> {
      const client = deps.client;
      if (!client) throw new GenerationUnavailable();
      const started = now();
      const logger = deps.logger.child({ story: context.key, model });
      const resolved = resolveOptions(options);
      const acceptanceCriteria = acceptanceCriteriaOf(context);

      let request: MessagesRequest = buildMessagesRequest(context, options, model);
      const firstRequest = request;
      let usage: GenerationUsage = NO_USAGE;
      let budgetRaised = false;
      let feedbackGiven = false;
      const spent = () => ({ usage, model });

      for (;;) {
        const message = await sendMessage(request, { ...sendDeps, client, logger });
        usage = addUsage(usage, message.usage);
        logger.debug({ requestId: message._request_id, stopReason: message.stop_reason, usage: message.usage }, "claude answered");

        if (message.stop_reason === "refusal") {
          throw new Refused(
            { category: message.stop_details?.category ?? null, explanation: message.stop_details?.explanation ?? null },
            spent(),
          );
        }
        if (message.stop_reason === "model_context_window_exceeded") {
          throw new OutputTruncated("the story and its context fill the model's context window; shorten the description", spent());
        }
        if (message.stop_reason === "max_tokens") {
          if (budgetRaised) {
            throw new OutputTruncated(`the answer was cut at max_tokens even with ${request.max_tokens} tokens`, spent());
          }
          // Same conversation, more room: the cut answer is dropped, not continued.
          logger.warn({ maxTokens: request.max_tokens, raisedTo: RAISED_MAX_TOKENS }, "answer cut at max_tokens, retrying with a larger budget");
          budgetRaised = true;
          request = { ...request, max_tokens: Math.max(RAISED_MAX_TOKENS, request.max_tokens * 2) };
          continue;
        }

        const text = answerText(message);
        const parsed = parseAnswer(text);
        let issues: string[];
        if (parsed.ok) {
          const processed = postProcess({ answer: parsed.answer, existingChildren: context.existingChildren, acceptanceCriteria, options: resolved });
          if (processed.issues.length === 0) {
            const durationMs = Math.round(now() - started);
            const costUsd = estimateCostUsd(model, usage);
            if (processed.dropped.length > 0) logger.info({ dropped: processed.dropped }, "dropped repeated or surplus subtasks");
            logger.info({ subtasks: processed.subtasks.length, usage, costUsd, priceKnown: isPriceKnown(model), durationMs }, "subtasks generated");
            return { subtasks: processed.subtasks, usage, tokensUsed: totalTokens(usage), model, durationMs, costUsd };
          }
          issues = processed.issues;
        } else {
          issues = parsed.issues;
        }

        if (feedbackGiven) throw new InvalidOutput(issues, spent());
        logger.warn({ issues }, "answer failed validation, retrying with the problems fed back");
        feedbackGiven = true;
        request = withFeedback({ ...firstRequest, max_tokens: request.max_tokens }, text, issues);
      }
    },
  };
}
