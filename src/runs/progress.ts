// Progress as observers see it, rebuilt from rows the store reads (runs/store.ts): a restarted
// process (or another one) renders exactly what the process that did the work would have.
import { codeNumber } from "../generation/codes.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { parseProposal } from "../sync/proposal.ts";
import { parseStoriesProposal } from "../sync/stories-proposal.ts";
import { parseRunOptions, parseRunTargets } from "./run-options.ts";
import type { EpicProgress, RunSummary, StartRunInput, StoryProgress, WorkAccounting } from "./types.ts";
import type { TrackerKind } from "../trackers/types.ts";

/** A story's subtask as progress shows it. */
interface ProgressSubtask {
  readonly runId: string | null;
  readonly code: string;
  readonly title: string;
  readonly effort: string | null;
  readonly trackerUrl: string | null;
  readonly trackerKey: string | null;
}

/**
 * What the store reads with a RunStory to render its progress (RunStore.progressRows): the
 * story's fields shown, not its whole row. The row holds the story's snapshot (the tracker's
 * answer at resolve: description, children…), which progress never shows; a run's completion
 * read 200 of them to throw away, and with Slack each story's every update read its own.
 */
export type RunStoryWithStory = Prisma.RunStoryGetPayload<object> & {
  readonly story: { readonly key: string; readonly title: string; readonly url: string | null; readonly tracker: TrackerKind; readonly subtasks: readonly ProgressSubtask[] };
};
type RunRow = Prisma.RunGetPayload<object>;

/** The accounting columns RunStory and RunEpic share, as observers see them. */
function accountingOf(
  row: Pick<WorkAccounting, "instructions" | "tokensUsed" | "durationMs" | "errorMsg" | "retryCount" | "slackReplyTs">,
  costUsd: number | null,
): WorkAccounting {
  return {
    instructions: row.instructions,
    tokensUsed: row.tokensUsed,
    costUsd,
    durationMs: row.durationMs,
    errorMsg: row.errorMsg,
    retryCount: row.retryCount,
    slackReplyTs: row.slackReplyTs,
  };
}

export function toStoryProgress(row: RunStoryWithStory): StoryProgress {
  const proposal = parseProposal(row.proposal);
  const saved = row.story.subtasks.filter((subtask) => subtask.runId === row.runId);
  const criteriaOf = new Map((proposal?.subtasks ?? []).map((s) => [s.code, s.acceptanceCriteria]));
  // Rows exist once saving started; before that (dry run, review) the proposal is the truth.
  const subtasks =
    saved.length > 0
      ? saved
          .map((s) => ({ code: s.code, title: s.title, effort: s.effort, url: s.trackerUrl, key: s.trackerKey, criteria: criteriaOf.get(s.code) ?? [] }))
          .sort((a, b) => codeNumber(a.code) - codeNumber(b.code))
      : (proposal?.subtasks ?? []).map((s) => ({ code: s.code, title: s.title, effort: s.effort, url: null, key: null, criteria: s.acceptanceCriteria }));
  return {
    runId: row.runId,
    runStoryId: row.id,
    storyKey: row.story.key,
    storyTitle: row.story.title,
    storyUrl: row.story.url,
    tracker: row.story.tracker,
    status: row.status,
    reviewState: row.reviewState,
    subtasks,
    subtasksCreated: row.subtasksCreated,
    subtasksDeleted: row.subtasksDeleted,
    verdict: proposal?.verdict ?? null,
    reason: proposal?.reason || null,
    storyEstimate: proposal?.storyEstimate ?? null,
    ...accountingOf(row, proposal?.costUsd ?? null),
    linksUnavailable: proposal?.linksUnavailable ?? null,
  };
}

export function toRunSummary(run: RunRow): RunSummary {
  return {
    runId: run.id,
    type: run.type === "GENERATE_STORIES" ? "GENERATE_STORIES" : "GENERATE_SUBTASKS",
    status: run.status,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    requestedByName: run.requestedByName,
    refs: run.refs,
    targets: parseRunTargets(run.options),
    options: parseRunOptions(run.options),
    slackChannel: run.slackChannel,
    slackThreadTs: run.slackThreadTs,
    storiesTotal: run.storiesTotal,
    storiesDone: run.storiesDone,
    storiesFailed: run.storiesFailed,
    storiesSkipped: run.storiesSkipped,
    subtasksCreated: run.subtasksCreated,
    subtasksDeleted: run.subtasksDeleted,
    epicsTotal: run.epicsTotal,
    epicsDone: run.epicsDone,
    epicsFailed: run.epicsFailed,
    epicsSkipped: run.epicsSkipped,
    storiesCreated: run.storiesCreated,
    storiesDeleted: run.storiesDeleted,
    tokensUsed: run.tokensUsed,
    costUsd: Number(run.costUsd),
    durationMs: run.durationMs,
    errorMsg: run.errorMsg,
    createdAt: run.createdAt,
    completedAt: run.completedAt,
  };
}

/** A run as the intake records it: queued, with no stories and no totals yet. */
export function queuedRunSummary(runId: string, input: StartRunInput, createdAt: Date): RunSummary {
  return {
    runId,
    type: input.type ?? "GENERATE_SUBTASKS",
    status: "QUEUED",
    trigger: input.trigger,
    requestedBy: input.requestedBy,
    requestedByName: input.requestedByName ?? null,
    refs: input.refs.map((ref) => ref.input),
    targets: input.refs,
    options: parseRunOptions(input.options ?? {}),
    slackChannel: input.slack?.channel ?? null,
    slackThreadTs: input.slack?.threadTs ?? null,
    storiesTotal: 0,
    storiesDone: 0,
    storiesFailed: 0,
    storiesSkipped: 0,
    subtasksCreated: 0,
    subtasksDeleted: 0,
    epicsTotal: 0,
    epicsDone: 0,
    epicsFailed: 0,
    epicsSkipped: 0,
    storiesCreated: 0,
    storiesDeleted: 0,
    tokensUsed: 0,
    costUsd: 0,
    durationMs: null,
    errorMsg: null,
    createdAt,
    completedAt: null,
  };
}

export interface RunProgress {
  readonly run: RunSummary;
  readonly stories: readonly StoryProgress[];
}

type RunEpicWithEpic = Prisma.RunEpicGetPayload<{ include: { epic: true } }>;

/**
 * An epic of a stories run: its proposal's stories, each with the issue it became (`made`: the
 * stories this run recorded in the epic, by code), once it exists.
 */
export function toEpicProgress(row: RunEpicWithEpic, made: readonly { code: string | null; key: string; url: string | null }[], dryRun: boolean): EpicProgress {
  const proposal = parseStoriesProposal(row.proposal);
  const issues = new Map(made.flatMap((story) => (story.code ? [[story.code, story] as const] : [])));
  return {
    runId: row.runId,
    runEpicId: row.id,
    epicKey: row.epic.key,
    epicTitle: row.epic.title,
    epicUrl: row.epic.url,
    tracker: row.epic.tracker,
    status: row.status,
    reviewState: row.reviewState,
    stories: (proposal?.stories ?? []).map((story) => ({
      code: story.code,
      title: story.title,
      acceptanceCriteria: story.acceptanceCriteria,
      points: story.points,
      dependsOn: story.dependsOn,
      key: issues.get(story.code)?.key ?? null,
      url: issues.get(story.code)?.url ?? null,
    })),
    storiesCreated: row.storiesCreated,
    storiesDeleted: row.storiesDeleted,
    replaces: (proposal?.deletions ?? []).map((deletion) => deletion.key),
    dryRun,
    chainedRunId: row.chainedRunId,
    ...accountingOf(row, proposal?.costUsd ?? null),
  };
}
