// What generation produced for one story and what the write-back will do with it. Kept on
// RunStory.proposal (a JSON column), so a crash after generation never pays for it twice and
// dry runs and reviews can show it; validated whenever it is read back, so a row written by an
// older version fails loudly instead of deep inside a job.
import { z } from "zod";
import { VERDICTS, type GeneratedSubtask, type GenerationUsage, type Verdict } from "../generation/types.ts";

/** A child the bot made earlier and will delete on this regeneration (nobody touched it). */
export interface PlannedDeletion {
  readonly id: string;
  readonly key: string;
  readonly code: string | null;
}

export interface Proposal {
  /** "no_breakdown": the story needs no subtasks (then `subtasks` is empty); see `reason`. */
  readonly verdict: Verdict;
  readonly reason: string;
  readonly subtasks: readonly GeneratedSubtask[];
  readonly deletions: readonly PlannedDeletion[];
  /** Labels the sub-issues get besides the bot's own (the team's settings when it was made). */
  readonly extraLabels: readonly string[];
  readonly usage: GenerationUsage;
  readonly tokensUsed: number;
  readonly costUsd: number;
  readonly model: string;
  readonly generatedAt: string;
  /** Set once the story comment is posted, so a resumed job does not post it twice. */
  readonly commentedAt?: string;
  /** The story's own estimate in the tracker (points), shown beside the subtasks' total. */
  readonly storyEstimate: number | null;
  /** How many of the story's instructions this proposal was made with: a new one means "refine this". */
  readonly instructionCount: number;
  /** Set when the tracker could make no dependency links (a Jira site without "Blocks"): why, for people. */
  readonly linksUnavailable?: string;
}

const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
});

export const proposalSchema = z.object({
  // Proposals stored before verdicts existed were all breakdowns.
  verdict: z.enum(VERDICTS).default("breakdown"),
  reason: z.string().default(""),
  subtasks: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      description: z.string(),
      effort: z.string(),
      acceptanceCriteria: z.array(z.string()),
      dependsOn: z.array(z.string()),
    }),
  ),
  deletions: z.array(z.object({ id: z.string(), key: z.string(), code: z.string().nullable() })),
  extraLabels: z.array(z.string()).default([]),
  usage: usageSchema,
  tokensUsed: z.number(),
  costUsd: z.number(),
  model: z.string(),
  generatedAt: z.string(),
  commentedAt: z.string().optional(),
  storyEstimate: z.number().nullable().default(null),
  instructionCount: z.number().int().min(0).default(0),
  linksUnavailable: z.string().optional(),
});

export function parseProposal(value: unknown): Proposal | null {
  return value === null || value === undefined ? null : proposalSchema.parse(value);
}
