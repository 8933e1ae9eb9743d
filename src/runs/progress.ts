// Progress as observers see it, rebuilt from rows the store reads (runs/store.ts): a restarted
// process (or another one) renders exactly what the process that did the work would have.
import type { Prisma } from "../generated/prisma/client.ts";
import { parseProposal } from "../sync/proposal.ts";
import { parseRunOptions, parseRunTargets } from "./run-options.ts";
import type { RunSummary, StartRunInput, StoryProgress } from "./types.ts";

/** What the store reads with a RunStory to render its progress. */
export const progressInclude = { story: { include: { subtasks: { orderBy: { createdAt: "asc" } } } } } as const;
type RunStoryWithStory = Prisma.RunStoryGetPayload<{ include: typeof progressInclude }>;
type RunRow = Prisma.RunGetPayload<object>;

function codeOrder(code: string): number {
  return Number(code.replace(/^ST/, "")) || 0;
}

export function toStoryProgress(row: RunStoryWithStory): StoryProgress {
  const proposal = parseProposal(row.proposal);
  const saved = row.story.subtasks.filter((subtask) => subtask.runId === row.runId);
  // Rows exist once saving started; before that (dry run, review) the proposal is the truth.
  const subtasks =
    saved.length > 0
      ? saved
          .map((s) => ({ code: s.code, title: s.title, effort: s.effort, url: s.trackerUrl, key: s.trackerKey }))
          .sort((a, b) => codeOrder(a.code) - codeOrder(b.code))
      : (proposal?.subtasks ?? []).map((s) => ({ code: s.code, title: s.title, effort: s.effort, url: null, key: null }));
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
    instructions: row.instructions,
    tokensUsed: row.tokensUsed,
    costUsd: proposal?.costUsd ?? null,
    durationMs: row.durationMs,
    errorMsg: row.errorMsg,
    retryCount: row.retryCount,
    slackReplyTs: row.slackReplyTs,
    linksUnavailable: proposal?.linksUnavailable ?? null,
  };
}

export function toRunSummary(run: RunRow): RunSummary {
  return {
    runId: run.id,
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
