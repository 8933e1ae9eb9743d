import type { CountRange, Verdict } from "../generation/types.ts";
import type { RunState, RunStoryState } from "./states.ts";
import type { RunTrigger, WebhookProvider } from "../generated/prisma/enums.ts";
import type { TrackerKind, TrackerRef } from "../trackers/types.ts";

export type RunTriggerKind = RunTrigger;
export type { RunState, RunStoryState } from "./states.ts";

export interface RunOptions {
  /** Subtasks per story, as the command set it; absent: the team's setting, else adaptive. */
  readonly count?: CountRange | "adaptive";
  /** Generate and report, create nothing in the tracker. */
  readonly dryRun?: boolean;
  /**
   * true: wait for a person to approve each story before creating; false: create at once
   * (--no-review); absent: as the story's team settings say.
   */
  readonly review?: boolean;
  /** A person's instruction for the plan, typed with the command (at most 1,000 characters). */
  readonly instruction?: string;
}

export interface SlackTarget {
  readonly channel: string;
  /** The run's parent message, once posted; replies go in its thread. */
  readonly threadTs?: string;
  readonly teamId?: string;
}

/** A webhook delivery that starts the run; recorded in the same statement as the run, once. */
export interface DeliveryRecord {
  readonly provider: WebhookProvider;
  readonly deliveryId: string;
  readonly event?: string;
}

export interface StartRunInput {
  readonly trigger: RunTriggerKind;
  readonly refs: readonly TrackerRef[];
  readonly requestedBy: string;
  readonly requestedByName?: string;
  readonly slack?: SlackTarget;
  readonly options?: RunOptions;
  readonly delivery?: DeliveryRecord;
}

export type StartRunResult =
  /** `run` is the run as just recorded (QUEUED, no stories yet), so nobody has to read it back. */
  | { readonly duplicate: false; readonly runId: string; readonly run: RunSummary }
  /** The delivery was already recorded: no second run. */
  | { readonly duplicate: true; readonly runId: string | null };

/** One story's state as observers see it (also rebuilt from the database after a restart). */
export interface StoryProgress {
  readonly runId: string;
  readonly runStoryId: string;
  readonly storyKey: string;
  readonly storyTitle: string;
  readonly storyUrl: string | null;
  readonly tracker: TrackerKind;
  readonly status: RunStoryState;
  readonly reviewState: "AWAITING" | "APPROVED" | "DISCARDED" | null;
  readonly subtasks: readonly {
    readonly code: string;
    readonly title: string;
    readonly effort: string | null;
    readonly url: string | null;
    readonly key: string | null;
  }[];
  readonly subtasksCreated: number;
  readonly subtasksDeleted: number;
  /** The model's verdict on the latest proposal, and its one-sentence reason; null before one. */
  readonly verdict: Verdict | null;
  readonly reason: string | null;
  /** The story's own estimate in the tracker (points), when it has one. */
  readonly storyEstimate: number | null;
  /** A person's instructions for the plan, oldest first. */
  readonly instructions: readonly string[];
  readonly tokensUsed: number | null;
  readonly costUsd: number | null;
  readonly durationMs: number | null;
  readonly errorMsg: string | null;
  readonly retryCount: number;
  readonly slackReplyTs: string | null;
  /** Why the tracker made no dependency links for this story's subtasks, when it could not. */
  readonly linksUnavailable?: string | null;
}

export interface RunSummary {
  readonly runId: string;
  readonly status: RunState;
  readonly trigger: RunTriggerKind;
  readonly requestedBy: string;
  readonly requestedByName: string | null;
  readonly refs: readonly string[];
  /** The references as resolved to trackers (keys or project links). */
  readonly targets: readonly TrackerRef[];
  readonly options: RunOptions;
  readonly slackChannel: string | null;
  readonly slackThreadTs: string | null;
  readonly storiesTotal: number;
  readonly storiesDone: number;
  readonly storiesFailed: number;
  readonly storiesSkipped: number;
  readonly subtasksCreated: number;
  readonly subtasksDeleted: number;
  readonly tokensUsed: number;
  readonly costUsd: number;
  readonly durationMs: number | null;
  readonly errorMsg: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/**
 * Fed from the state machine in this process, so the Slack layer renders progress without
 * polling. Every event can also be rebuilt from the database (runs/progress.ts).
 */
export interface RunObserver {
  /** The run's stories are known (refs resolved, epics expanded), or resolving failed. */
  onRunStarted?(run: RunSummary, stories: readonly StoryProgress[]): void | Promise<void>;
  onStoryUpdate?(story: StoryProgress): void | Promise<void>;
  onRunComplete?(run: RunSummary, stories: readonly StoryProgress[]): void | Promise<void>;
}
