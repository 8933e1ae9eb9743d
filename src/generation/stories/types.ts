// Stories from an epic, the engine's contract: a plain EpicContext in, validated user stories
// with acceptance criteria and accounting out. Knows nothing of Slack, trackers or runs.
import type { CountRange, GenerationUsage } from "../types.ts";

/** A story the epic already has: made by a person, or by the bot earlier and kept. */
export interface ExistingStory {
  readonly title: string;
  /** S3 for a bot-made story; undefined for a person's. */
  readonly code?: string;
  readonly key?: string;
  readonly state?: string;
  readonly createdByBot: boolean;
}

/** A story of an earlier proposal, as the refining model sees it. */
export interface PlannedStory {
  readonly code: string;
  readonly title: string;
  readonly acceptanceCriteria: readonly string[];
  readonly points: number | null;
  readonly dependsOn: readonly string[];
}

export interface EpicContext {
  readonly key: string;
  readonly title: string;
  /** Markdown, untrusted. */
  readonly description: string;
  readonly existingStories: readonly ExistingStory[];
  /** Other epics of the same project or team: their scope is theirs. */
  readonly siblingEpics: readonly { readonly key: string; readonly title: string }[];
  /** The story points the team uses, smallest first; null: no points. */
  readonly pointScale: readonly number[] | null;
  readonly teamGuidance?: string;
  readonly instructions?: readonly string[];
  readonly previousPlan?: readonly PlannedStory[];
}

export interface GenerateStoriesOptions {
  /** A range a person or team set; absent or "adaptive": as many as the epic calls for (ADAPTIVE_STORY_COUNT). */
  readonly count?: CountRange | "adaptive";
  /** Default: the epic's own language. */
  readonly language?: string;
}

export interface GeneratedStory {
  /** S1, S2…, continuing after the highest code among the epic's stories. */
  readonly code: string;
  readonly title: string;
  /** Markdown: who needs what and why, scope notes. */
  readonly description: string;
  /** 2 to 6 testable criteria. */
  readonly acceptanceCriteria: readonly string[];
  /** On the team's scale; null when it uses none. */
  readonly points: number | null;
  /** Codes of earlier stories of this answer that must be done first. */
  readonly dependsOn: readonly string[];
}

export interface StoriesResult {
  readonly stories: readonly GeneratedStory[];
  /** Stories of the answer left out: repeats of the epic's stories or of each other, or over the maximum. */
  readonly dropped: readonly { readonly title: string; readonly reason: "duplicate_of_existing" | "duplicate_in_answer" | "over_maximum" }[];
  readonly usage: GenerationUsage;
  readonly tokensUsed: number;
  readonly model: string;
  readonly durationMs: number;
  readonly costUsd: number;
}

export interface StoryGenerator {
  generate(context: EpicContext, options?: GenerateStoriesOptions): Promise<StoriesResult>;
}
