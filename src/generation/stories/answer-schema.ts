// The shape Claude answers a stories request in: the JSON schema of the structured output, and
// the check of what comes back (bounds the structured output cannot state are checked after).
import { z } from "zod";
import type { JsonSchema } from "../model-client.ts";

const answerStory = z.object({
  title: z
    .string()
    .trim()
    .min(1)
    .describe('The team\'s title convention when the guidance names one, else "As a <who> I want <what> so that <why>", at most 120 characters.'),
  description: z
    .string()
    .trim()
    .min(1)
    .describe("Markdown: the need and its context in two to five sentences, what is out of scope, open questions. No acceptance criteria here."),
  acceptanceCriteria: z
    .array(z.string().trim().min(1))
    .describe("2 to 6 testable criteria, each one sentence (Given/When/Then or plain)."),
  points: z.number().nullable().describe("The size on the point scale the settings name; null when they name none."),
  dependsOn: z
    .array(z.int().min(1))
    .default([])
    .describe("Positions (1 is the first story of this answer) of earlier stories that must be done first; [] when none."),
});

export const storiesAnswerSchema = z.object({
  stories: z.array(answerStory).describe("The stories in the order they should be built."),
});

export type StoriesAnswer = z.infer<typeof storiesAnswerSchema>;
export type AnswerStory = z.infer<typeof answerStory>;

/** Built once: every request carries the same schema bytes, which the prompt cache needs. */
export const storiesAnswerJsonSchema: JsonSchema = z.toJSONSchema(storiesAnswerSchema);
