// The generation engine's contract. It knows nothing of Slack, Linear or Jira: a plain
// StoryContext goes in, validated subtasks and accounting come out.

import type { EffortScale } from "../effort/effort.ts";

export type { EffortScale };

/** A child the story already has: made by a person, or made by the bot earlier and kept. */
export interface ExistingChild {
  readonly title: string;
  /** ST3 for a bot-made child; undefined for a person's. */
  readonly code?: string;
  readonly key?: string;
  readonly state?: string;
  readonly createdByBot: boolean;
}

export interface StoryContext {
  readonly key: string;
  readonly title: string;
  /** Markdown, untrusted. */
  readonly description: string;
  /** From a tracker field, or empty: the engine then parses a section of the description. */
  readonly acceptanceCriteria: readonly string[];
  readonly labels: readonly string[];
  readonly estimate: number | null;
  readonly epic: { readonly key: string; readonly title: string; readonly summary?: string } | null;
  /** Titles of the other stories of the same epic, to avoid overlapping work. */
  readonly siblingTitles: readonly string[];
  readonly existingChildren: readonly ExistingChild[];
  /** Free text from the team (its settings), optional. */
  readonly teamGuidance?: string;
  /**
   * A person's instructions for this story's plan, oldest first (a command's text, then each
   * Refine). Trusted more than the story (it comes from the workspace), still sent as data.
   */
  readonly instructions?: readonly string[];
  /** The plan the instructions refer to, when refining one: the model edits it instead of starting over. */
  readonly previousPlan?: readonly PlannedSubtask[];
}

/** A subtask of an earlier proposal, as the refining model sees it. */
export interface PlannedSubtask {
  readonly code: string;
  readonly title: string;
  readonly effort: string;
  readonly description: string;
  readonly dependsOn: readonly string[];
}

export interface CountRange {
  readonly min: number;
  readonly max: number;
}

export interface GenerateOptions {
  /**
   * A range a person or team set, enforced (hard bounds 1–15); "adaptive" or unset: as many as
   * the story calls for (ADAPTIVE_COUNT), or no breakdown at all for a small story.
   */
  readonly count?: CountRange | "adaptive";
  /** Default "tshirt" (XS S M L XL). */
  readonly effortScale?: EffortScale;
  /** Default: the story's own language. */
  readonly language?: string;
}

export const VERDICTS = ["breakdown", "no_breakdown"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface GeneratedSubtask {
  /** ST1, ST2…, continuing after the highest code among the existing children. */
  readonly code: string;
  readonly title: string;
  /** Markdown: what to do and how to verify it. */
  readonly description: string;
  /** XS|S|M|L|XL, or hours such as "4h". */
  readonly effort: string;
  /** The acceptance criteria this subtask covers, as text. */
  readonly acceptanceCriteria: readonly string[];
  /** Codes of earlier subtasks of this answer that must be done first. */
  readonly dependsOn: readonly string[];
}

export interface GenerationUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export interface GenerationResult {
  /** "no_breakdown": the story is small enough to be done as it is; `subtasks` is empty. */
  readonly verdict: Verdict;
  /** Why no breakdown is needed (no_breakdown), or how the work was split (breakdown). */
  readonly reason: string;
  readonly subtasks: readonly GeneratedSubtask[];
  /** Summed over every attempt the call needed (retries with feedback included). */
  readonly usage: GenerationUsage;
  /** input + output + cache read + cache write. */
  readonly tokensUsed: number;
  readonly model: string;
  readonly durationMs: number;
  /** An estimate from the model client's price table (generation/anthropic/pricing.ts). */
  readonly costUsd: number;
}

export interface SubtaskGenerator {
  generate(context: StoryContext, options?: GenerateOptions): Promise<GenerationResult>;
}
