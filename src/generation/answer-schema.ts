// The shape Claude answers in. One zod schema serves twice: as the JSON schema of the request's
// structured output, and to validate the answer that comes back.

import { z } from "zod";
import { TSHIRT_SIZES } from "../effort/effort.ts";
import type { JsonSchema } from "./model-client.ts";
import { VERDICTS } from "./types.ts";

const answerSubtask = z.object({
  title: z
    .string()
    .trim()
    .min(1)
    .describe("Imperative, specific, at most 120 characters, no trailing period; e.g. \"Add rate limiting to the login endpoint\"."),
  description: z
    .string()
    .trim()
    .min(1)
    .describe("Markdown: what to do (the concrete change) and a final \"How to verify\" part saying how a reviewer checks it is done."),
  effort: z.string().trim().min(1).describe(`On the effort scale the request names: a T-shirt size (${TSHIRT_SIZES.join(", ")}) or hours such as "4h".`),
  acceptanceCriteria: z
    .array(z.int().min(1))
    .default([])
    .describe("Numbers of the story's acceptance criteria this subtask covers (AC2 is 2); [] when it covers none or the story lists none."),
  dependsOn: z
    .array(z.int().min(1))
    .default([])
    .describe("Positions (1 is the first subtask of this answer) of earlier subtasks that must be finished first; [] when none."),
});

export const answerSchema = z.object({
  verdict: z
    .enum(VERDICTS)
    .describe('"breakdown" with the subtasks, or "no_breakdown" (only where the settings allow it) for a story one developer finishes within one day as it is.'),
  reason: z
    .string()
    .trim()
    .min(1)
    .describe("One sentence: for no_breakdown, why the story needs no subtasks; for a breakdown, how the work was split."),
  subtasks: z.array(answerSubtask).describe("The subtasks in the order a developer should do them; [] for no_breakdown."),
});

export type Answer = z.infer<typeof answerSchema>;
export type AnswerSubtask = z.infer<typeof answerSubtask>;

/**
 * The schema of the structured output. Built once, and narrowed by the model adapter the same
 * way every time, so every request carries the same bytes: a different schema would defeat
 * the prompt cache.
 */
export const answerJsonSchema: JsonSchema = z.toJSONSchema(answerSchema);
