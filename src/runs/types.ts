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
  /** Stories runs: once an epic's stories exist, break them into subtasks (--then-subtasks). */
  readonly thenSubtasks?: boolean;
  /**
   * The run is about one story (a Linear agent session on an issue): an epic is not expanded
   * into its stories but reported as something this run cannot do.
   */
  readonly singleStory?: boolean;
}

/** What a run makes: subtasks of stories, or stories of epics. */
export type RunKind = "GENERATE_SUBTASKS" | "GENERATE_STORIES";

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
  /** Default: GENERATE_SUBTASKS. */
  readonly type?: RunKind;
  readonly trigger: RunTriggerKind;
  readonly refs: readonly TrackerRef[];
  readonly requestedBy: string;
  readonly requestedByName?: string;
  readonly slack?: SlackTarget;
  readonly options?: RunOptions;
  readonly delivery?: DeliveryRecord;
  /** The Linear agent session the run was asked for in (delegated or @mentioned); it reports there. */
  readonly linearAgentSession?: { readonly id: string; readonly organizationId: string };
}

export type StartRunResult =
  /** `run` is the run as just recorded (QUEUED, no stories yet), so nobody has to read it back. */
  | { readonly duplicate: false; readonly runId: string; readonly run: RunSummary }
  /** The delivery was already recorded: no second run. */
  | { readonly duplicate: true; readonly runId: string | null };

/** What one unit of a run's work (a story, or an epic of a stories run) cost, and where it is reported. */
export interface WorkAccounting {
  /** A person's instructions for the plan, oldest first. */
  readonly instructions: readonly string[];
  readonly tokensUsed: number | null;
  readonly costUsd: number | null;
  readonly durationMs: number | null;
  readonly errorMsg: string | null;
  readonly retryCount: number;
  readonly slackReplyTs: string | null;
}

/** One story's state as observers see it (also rebuilt from the database after a restart). */
export interface StoryProgress extends WorkAccounting {
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
    /** The acceptance criteria it covers, as the proposal states them. */
    readonly criteria?: readonly string[];
  }[];
  readonly subtasksCreated: number;
  readonly subtasksDeleted: number;
  /** The model's verdict on the latest proposal, and its one-sentence reason; null before one. */
  readonly verdict: Verdict | null;
  readonly reason: string | null;
  /** The story's own estimate in the tracker (points), when it has one. */
  readonly storyEstimate: number | null;
  /** Why the tracker made no dependency links for this story's subtasks, when it could not. */
  readonly linksUnavailable?: string | null;
}

export interface RunSummary {
  readonly runId: string;
  readonly type: RunKind;
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
  /** Stories runs: their epics' outcomes and the stories made or replaced. */
  readonly epicsTotal: number;
  readonly epicsDone: number;
  readonly epicsFailed: number;
  readonly epicsSkipped: number;
  readonly storiesCreated: number;
  readonly storiesDeleted: number;
  readonly tokensUsed: number;
  readonly costUsd: number;
  readonly durationMs: number | null;
  readonly errorMsg: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/** One epic of a stories run, as observers see it (rebuilt from the database after a restart). */
export interface EpicProgress extends WorkAccounting {
  readonly runId: string;
  readonly runEpicId: string;
  readonly epicKey: string;
  readonly epicTitle: string;
  readonly epicUrl: string | null;
  readonly tracker: TrackerKind;
  readonly status: "PENDING" | "RUNNING" | "GENERATING" | "SAVING" | "COMPLETED" | "FAILED" | "SKIPPED";
  readonly reviewState: "AWAITING" | "APPROVED" | "DISCARDED" | null;
  /** The proposal's stories, with their issue once it exists. */
  readonly stories: readonly {
    readonly code: string;
    readonly title: string;
    readonly acceptanceCriteria: readonly string[];
    readonly points: number | null;
    readonly dependsOn: readonly string[];
    readonly key: string | null;
    readonly url: string | null;
  }[];
  readonly storiesCreated: number;
  readonly storiesDeleted: number;
  /** Earlier bot stories the proposal replaces (keys). */
  readonly replaces: readonly string[];
  readonly dryRun: boolean;
  /** The subtasks run started on these stories, once one was. */
  readonly chainedRunId: string | null;
}

/**
 * Fed from the state machine in this process, so the Slack layer renders progress without
 * polling. Every event can also be rebuilt from the database (runs/progress.ts).
 */
export interface RunObserver {
  /** The run's stories are known (refs resolved, epics expanded), or resolving failed. */
  onRunStarted?(run: RunSummary, stories: readonly StoryProgress[]): void | Promise<void>;
  onStoryUpdate?(story: StoryProgress): void | Promise<void>;
  /** An epic of a stories run moved (generated, awaiting review, created, failed…). */
  onEpicUpdate?(epic: EpicProgress): void | Promise<void>;
  /**
   * A job took up a story its holder left mid-way (a crash, a deploy, a retry): `attempt` names
   * that job, so the same resumption is reported once.
   */
  onStoryResumed?(story: StoryProgress, attempt: string): void | Promise<void>;
  onRunComplete?(run: RunSummary, stories: readonly StoryProgress[]): void | Promise<void>;
}
