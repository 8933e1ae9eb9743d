// What generation produced for one story and what the write-back will do with it. Kept on
// RunStory.proposal (a JSON column), so a crash after generation never pays for it twice and
// dry runs and reviews can show it; validated whenever it is read back, so a row written by an
// older version fails loudly instead of deep inside a job.
import { z } from "zod";
import type { GeneratedSubtask, GenerationUsage } from "../generation/types.ts";

/** A child the bot made earlier and will delete on this regeneration (nobody touched it). */
export interface PlannedDeletion {
  readonly id: string;
  readonly key: string;
  readonly code: string | null;
}

export interface Proposal {
  readonly subtasks: readonly GeneratedSubtask[];
  readonly deletions: readonly PlannedDeletion[];
  readonly usage: GenerationUsage;
  readonly tokensUsed: number;
  readonly costUsd: number;
  readonly model: string;
  readonly generatedAt: string;
  /** Set once the story comment is posted, so a resumed job does not post it twice. */
  readonly commentedAt?: string;
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
  usage: usageSchema,
  tokensUsed: z.number(),
  costUsd: z.number(),
  model: z.string(),
  generatedAt: z.string(),
  commentedAt: z.string().optional(),
  linksUnavailable: z.string().optional(),
});

export function parseProposal(value: unknown): Proposal | null {
  return value === null || value === undefined ? null : proposalSchema.parse(value);
}
