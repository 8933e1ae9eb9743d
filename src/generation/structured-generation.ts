// The provider-neutral loop of one structured generation: ask, check the answer, and ask again
// where that can help: once with a larger budget when the answer was cut at max_tokens, once
// with the problems fed back when it failed validation. A task says what to ask and how to
// check the answer; the ModelClient says how to reach a model. Breaking a story into subtasks
// is one task (breakdown-task.ts); other kinds of run bring their own prompt, schema and check.

import type { Logger } from "../log/logger.ts";
import { InvalidOutput, OutputTruncated, Refused } from "./errors.ts";
import type { JsonSchema, ModelClient, ModelRequest, ReasoningEffort } from "./model-client.ts";
import type { GenerationUsage } from "./types.ts";
import { NO_USAGE, addUsage } from "./usage.ts";

/** The budget after a max_tokens stop: this, or twice the task's if that is more. */
export const RAISED_MAX_TOKENS = 32_000;

export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: string[] };

export interface StructuredTask<T> {
  /** Role and rules, the same for every run of the task so the provider's prompt cache serves it. */
  readonly system: string;
  /** Everything about this one run (the story, the settings). */
  readonly firstMessage: string;
  /** The answer's shape. */
  readonly schema: JsonSchema;
  readonly maxTokens: number;
  readonly effort?: ReasoningEffort;
  /** The answer's text parsed and checked: the value, or the problems to feed back. */
  validate(text: string): Validation<T>;
  /** The user turn after a rejected answer, listing its problems. */
  feedbackMessage(issues: readonly string[]): string;
}

export interface StructuredResult<T> {
  readonly value: T;
  /** Summed over every attempt. */
  readonly usage: GenerationUsage;
  readonly model: string;
  readonly durationMs: number;
  readonly costUsd: number;
  readonly priceKnown: boolean;
}

export interface StructuredGenerationDeps {
  readonly client: ModelClient;
  readonly logger: Logger;
  /** For durationMs. */
  readonly now: () => number;
}

export function firstRequest(task: StructuredTask<unknown>): ModelRequest {
  return {
    system: task.system,
    messages: [{ role: "user", content: task.firstMessage }],
    schema: task.schema,
    maxTokens: task.maxTokens,
    ...(task.effort ? { effort: task.effort } : {}),
  };
}

/**
 * The retry after a rejected answer: the first question, the model's answer as its own turn,
 * then a user turn with the problems. A conversation, not a prefill: it ends with the user.
 */
export function withFeedback(request: ModelRequest, previousAnswer: string, feedback: string): ModelRequest {
  const first = request.messages[0];
  if (!first) throw new Error("withFeedback needs the first message");
  return {
    ...request,
    messages: [first, { role: "assistant", content: previousAnswer }, { role: "user", content: feedback }],
  };
}

export async function generateStructured<T>(task: StructuredTask<T>, deps: StructuredGenerationDeps): Promise<StructuredResult<T>> {
  const { client, logger, now } = deps;
  const started = now();
  const first = firstRequest(task);
  let request = first;
  let usage: GenerationUsage = NO_USAGE;
  let budgetRaised = false;
  let feedbackGiven = false;
  const spent = () => ({ usage, model: client.model });

  for (;;) {
    const response = await client.complete(request, { logger });
    usage = addUsage(usage, response.usage);

    if (response.stop === "refusal") throw new Refused(response.refusal ?? { category: null, explanation: null }, spent());
    if (response.stop === "context_window") {
      throw new OutputTruncated("the story and its context fill the model's context window; shorten the description", spent());
    }
    if (response.stop === "max_tokens") {
      if (budgetRaised) throw new OutputTruncated(`the answer was cut at max_tokens even with ${request.maxTokens} tokens`, spent());
      // Same conversation, more room: the cut answer is dropped, not continued.
      const raisedTo = Math.max(RAISED_MAX_TOKENS, request.maxTokens * 2);
      logger.warn({ maxTokens: request.maxTokens, raisedTo }, "answer cut at max_tokens, retrying with a larger budget");
      budgetRaised = true;
      request = { ...request, maxTokens: raisedTo };
      continue;
    }

    const checked = task.validate(response.text);
    if (checked.ok) {
      const durationMs = Math.round(now() - started);
      return { value: checked.value, usage, model: client.model, durationMs, costUsd: client.costOf(usage), priceKnown: client.priceKnown };
    }
    if (feedbackGiven) throw new InvalidOutput(checked.issues, spent());
    logger.warn({ issues: checked.issues }, "answer failed validation, retrying with the problems fed back");
    feedbackGiven = true;
    request = withFeedback({ ...first, maxTokens: request.maxTokens }, response.text, task.feedbackMessage(checked.issues));
  }
}
