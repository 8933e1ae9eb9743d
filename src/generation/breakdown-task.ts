// Breaking one story into subtasks, as a task for the structured-generation loop: the words
// (prompt.ts), the answer's shape (answer-schema.ts), and the check of an answer, parsed
// (parse-answer.ts) and then held against the story (post-process.ts).

import { parseAcceptanceCriteria } from "./acceptance-criteria.ts";
import { answerJsonSchema } from "./answer-schema.ts";
import { resolveOptions } from "./options.ts";
import { parseAnswer } from "./parse-answer.ts";
import { postProcess, type DroppedSubtask } from "./post-process.ts";
import { SYSTEM_PROMPT, buildFeedbackMessage, buildStoryMessage } from "./prompt.ts";
import type { StructuredTask } from "./structured-generation.ts";
import type { GenerateOptions, GeneratedSubtask, StoryContext, Verdict } from "./types.ts";

/**
 * Room for adaptive thinking (on by default on Sonnet 5.5) plus the JSON of fifteen subtasks.
 * A "max_tokens" stop is retried once with a larger budget (structured-generation.ts).
 */
export const DEFAULT_MAX_TOKENS = 16_000;

export interface Breakdown {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly subtasks: GeneratedSubtask[];
  /** Repeated or surplus subtasks of the answer, left out. */
  readonly dropped: DroppedSubtask[];
}

/** The criteria the engine works with: the tracker's field, else those stated in the description. */
export function acceptanceCriteriaOf(context: StoryContext): string[] {
  const given = context.acceptanceCriteria.map((criterion) => criterion.trim()).filter((criterion) => criterion !== "");
  return given.length > 0 ? given : parseAcceptanceCriteria(context.description);
}

export function breakdownTask(context: StoryContext, options?: GenerateOptions): StructuredTask<Breakdown> {
  const resolved = resolveOptions(options);
  const acceptanceCriteria = acceptanceCriteriaOf(context);
  return {
    system: SYSTEM_PROMPT,
    firstMessage: buildStoryMessage(context, acceptanceCriteria, resolved),
    schema: answerJsonSchema,
    maxTokens: DEFAULT_MAX_TOKENS,
    validate(text) {
      const parsed = parseAnswer(text);
      if (!parsed.ok) return parsed;
      const processed = postProcess({ answer: parsed.answer, existingChildren: context.existingChildren, acceptanceCriteria, options: resolved });
      if (processed.issues.length > 0) return { ok: false, issues: processed.issues };
      return { ok: true, value: { verdict: processed.verdict, reason: processed.reason, subtasks: processed.subtasks, dropped: processed.dropped } };
    },
    feedbackMessage: buildFeedbackMessage,
  };
}
