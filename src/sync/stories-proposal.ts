// What generation produced for one epic and what the write-back will do with it. Kept on
// RunEpic.proposal (a JSON column) like a story's proposal on RunStory, so a crash after
// generation never pays for it twice and a review can show it; validated whenever it is read.
import { z } from "zod";
import type { GeneratedStory } from "../generation/stories/types.ts";
import type { GenerationUsage } from "../generation/types.ts";
import type { PlannedDeletion } from "./proposal.ts";

export interface StoriesProposal {
  readonly stories: readonly GeneratedStory[];
  /** Stories the bot made earlier that nobody touched: replaced by this proposal. */
  readonly deletions: readonly PlannedDeletion[];
  /** Labels the stories get besides the bot's own story label (the team's settings). */
  readonly extraLabels: readonly string[];
  /** The epic's point scale when the proposal was made; null: none. */
  readonly pointScale: readonly number[] | null;
  readonly usage: GenerationUsage;
  /** All generations of this epic in this run, refinements included. */
  readonly tokensUsed: number;
  readonly costUsd: number;
  readonly model: string;
  readonly generatedAt: string;
  /** How many of the epic's instructions this proposal was made with: a new one means "refine this". */
  readonly instructionCount: number;
  /** Set once the epic's comment is posted, so a resumed job does not post it twice. */
  readonly commentedAt?: string;
}

export const storiesProposalSchema = z.object({
  stories: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      description: z.string(),
      acceptanceCriteria: z.array(z.string()),
      points: z.number().nullable(),
      dependsOn: z.array(z.string()),
    }),
  ),
  deletions: z.array(z.object({ id: z.string(), key: z.string(), code: z.string().nullable() })),
  extraLabels: z.array(z.string()),
  pointScale: z.array(z.number()).nullable(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number(), cacheWriteTokens: z.number() }),
  tokensUsed: z.number(),
  costUsd: z.number(),
  model: z.string(),
  generatedAt: z.string(),
  instructionCount: z.number().int().min(0),
  commentedAt: z.string().optional(),
});

export function parseStoriesProposal(value: unknown): StoriesProposal | null {
  return value === null || value === undefined ? null : storiesProposalSchema.parse(value);
}
