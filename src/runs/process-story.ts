// The story state machine: PENDING → GENERATING → SAVING → COMPLETED | FAILED | SKIPPED.
// One queue job drives one story. Each step starts with a guarded transition, so a duplicate
// job finds the story held and leaves it alone, while a retry of the holding job (same id,
// after a crash) resumes from where the story stood, never from scratch once subtasks exist.
import type { Job } from "pg-boss";
import { trackerOfKind } from "../trackers/registry.ts";
import type { TrackerKind, TrackerName } from "../trackers/types.ts";
import { AppError, isAppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { SubtaskGenerator } from "../generation/types.ts";
import { storyComment } from "../sync/comment.ts";
import { planRegeneration } from "../sync/regeneration.ts";
import { writeBack } from "../sync/write-back.ts";
import type { Tracker, TrackerRef, TrackerStory } from "../trackers/types.ts";
import { loadRunProgress, loadStoryProgress } from "./progress.ts";
import { retryJobId, type StoryJob } from "./queue.ts";
import { parseProposal, parseRunOptions } from "./run-options.ts";
import type { RunStoryRow, RunWorkDeps } from "./store.ts";
import { buildStoryContext } from "./story-context.ts";
import type { Proposal, RunStoryState } from "./types.ts";

export interface FinishLabels {
  readonly trigger: string;
  readonly done: string;
  readonly failed: string;
}

export interface RetryPolicy {
  /** Attempts after the first for errors that may clear (rate limits, overload, outages). */
  readonly maxRetries: number;
  /** Delay before retry n (1-based), before honouring a provider's Retry-After. */
  delayMs(retry: number): number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 3,
  delayMs: (retry) => Math.min(120_000, 10_000 * 2 ** (retry - 1)) * (0.75 + Math.random() * 0.5),
};

export interface StoryProcessorDeps extends RunWorkDeps {
  readonly generator: SubtaskGenerator;
  readonly retry?: RetryPolicy;
  /** Labels to set on stories of runs started by a tracker label; null: leave labels alone. */
  readonly finishLabels?: FinishLabels | null;
  /** A link to the run's Slack thread, for the story comment. */
  readonly threadUrl?: (run: { slackChannel: string | null; slackThreadTs: string | null; slackTeamId: string | null }) => Promise<string | undefined> | string | undefined;
  readonly teamGuidance?: string;
}

const OPEN: readonly RunStoryState[] = ["PENDING", "GENERATING", "SAVING"];

class SyncIncomplete extends AppError {
  constructor(message: string) {
    super(ErrorCode.SyncIncomplete, message, { retryable: true });
  }
}

class TrackerNotConfigured extends AppError {
  constructor(tracker: string) {
    super(ErrorCode.TrackerNotConfigured, `${tracker} is not configured on this bot`, { retryable: false });
  }
}

export function trackerFor(trackers: Partial<Record<TrackerName, Tracker>>, kind: TrackerKind): Tracker {
  const entry = trackerOfKind(kind);
  const tracker = trackers[entry.name];
  if (!tracker) throw new TrackerNotConfigured(entry.displayName);
  return tracker;
}

function storyRef(row: RunStoryRow): TrackerRef {
  return { tracker: trackerOfKind(row.story.tracker).name, key: row.story.key, kind: "issue", input: row.story.key };
}

export function createStoryProcessor(deps: StoryProcessorDeps) {
  const { store, prisma, logger, events } = deps;
  const retry = deps.retry ?? defaultRetryPolicy;

  async function emitStory(runStoryId: string): Promise<void> {
    if (!events.wants("onStoryUpdate")) return;
    const progress = await loadStoryProgress(prisma, runStoryId);
    if (progress) events.storyUpdated(progress);
  }

  async function finishRun(runId: string): Promise<void> {
    if (await store.completeRunIfDone(runId)) {
      logger.info({ runId }, "run finished");
      if (!events.wants("onRunComplete")) return;
      const progress = await loadRunProgress(prisma, runId);
      if (progress) events.runCompleted(progress.run, progress.stories);
    }
  }

  // The stories of an epic, read once per run and epic by this process rather than once per
  // story: a 200-story epic would otherwise read the same list 200 times.
  const epicStoryCache = new Map<string, Promise<{ id: string; title: string }[]>>();
  function epicStories(runId: string, epicId: string): Promise<{ id: string; title: string }[]> {
    const key = `${runId}:${epicId}`;
    let stories = epicStoryCache.get(key);
    if (!stories) {
      stories = prisma.story.findMany({ where: { epicId }, select: { id: true, title: true }, take: 31, orderBy: { code: "asc" } });
      stories.catch(() => epicStoryCache.delete(key));
      epicStoryCache.set(key, stories);
      if (epicStoryCache.size > 100) epicStoryCache.delete(epicStoryCache.keys().next().value!);
    }
    return stories;
  }

  function elapsed(row: RunStoryRow): number {
    return row.startedAt ? Date.now() - row.startedAt.getTime() : 0;
  }

  async function applyFinishLabels(row: RunStoryRow, story: { id: string; key: string; title: string; url: string }, outcome: RunStoryState): Promise<void> {
    const labels = deps.finishLabels;
    if (!labels || row.run.trigger !== "TRACKER_LABEL") return;
    const tracker = trackerFor(deps.trackers, row.story.tracker);
    try {
      await tracker.removeLabel(story, labels.trigger);
      if (outcome === "COMPLETED") await tracker.addLabel(story, labels.done);
      if (outcome === "FAILED") await tracker.addLabel(story, labels.failed);
    } catch (error) {
      // Labels are a courtesy to the people watching the story; never fail the story for them.
      logger.warn({ err: error, story: row.story.key }, "could not update the story's labels");
    }
  }

  function summaryOf(row: RunStoryRow, fresh?: TrackerStory) {
    return { id: fresh?.id ?? row.story.trackerId, key: row.story.key, title: row.story.title, url: fresh?.url ?? row.story.url ?? "" };
  }

  async function generate(row: RunStoryRow, jobId: string): Promise<{ next: RunStoryState; story: TrackerStory; proposal?: Proposal } | null> {
    const tracker = trackerFor(deps.trackers, row.story.tracker);
    const story = await tracker.getStory(storyRef(row));
    if (story.title !== row.story.title || story.url !== row.story.url || story.key !== row.story.key) {
      await prisma.story.update({ where: { id: row.storyId }, data: { title: story.title, url: story.url, key: story.key } });
    }
    if (story.closed) {
      await store.transition(row.id, jobId, ["GENERATING"], "SKIPPED", {
        errorMsg: `skipped: ${story.key} is closed; closed stories are not broken down`,
        completedAt: new Date(),
        durationMs: elapsed(row),
      });
      return { next: "SKIPPED", story };
    }
    const plan = planRegeneration(story.children);
    const siblings = row.story.epicId ? (await epicStories(row.runId, row.story.epicId)).filter((s) => s.id !== row.storyId).slice(0, 30) : [];
    const options = parseRunOptions(row.run.options);
    const context = buildStoryContext(story, plan.existing, siblings.map((s) => s.title), deps.teamGuidance);
    const result = await deps.generator.generate(context, options.count ? { count: options.count } : {});
    // A regeneration in review replaces an earlier proposal; what that one cost still counts.
    const earlier = parseProposal(row.proposal);
    const proposal: Proposal = {
      subtasks: result.subtasks,
      deletions: plan.deletions,
      usage: result.usage,
      tokensUsed: (earlier?.tokensUsed ?? 0) + result.tokensUsed,
      costUsd: (earlier?.costUsd ?? 0) + result.costUsd,
      model: result.model,
      generatedAt: new Date().toISOString(),
    };
    const common = { proposal: proposal as object, tokensUsed: proposal.tokensUsed };
    if (options.dryRun) {
      await store.transition(row.id, jobId, ["GENERATING"], "COMPLETED", {
        ...common,
        completedAt: new Date(),
        durationMs: elapsed(row),
      });
      return { next: "COMPLETED", story, proposal };
    }
    if (options.review && row.reviewState !== "APPROVED") {
      // Waits for a person: back to PENDING with the proposal, until Create/Regenerate/Discard.
      await store.transition(row.id, jobId, ["GENERATING"], "PENDING", { ...common, reviewState: "AWAITING" });
      return { next: "PENDING", story, proposal };
    }
    const moved = await store.transition(row.id, jobId, ["GENERATING"], "SAVING", common);
    return moved ? { next: "SAVING", story, proposal } : null;
  }

  async function save(row: RunStoryRow, jobId: string, proposal: Proposal, known?: TrackerStory): Promise<void> {
    const tracker = trackerFor(deps.trackers, row.story.tracker);
    // A resumed job re-reads the children: some may have been created before the crash.
    const story = known ?? (await tracker.getStory(storyRef(row)));
    const result = await writeBack({ prisma, tracker, logger }, { runId: row.runId, storyId: row.storyId, trackerStory: story, proposal });
    if (result.deletedKeys.length > 0) {
      await prisma.runStory.update({ where: { id: row.id }, data: { subtasksDeleted: { increment: result.deletedKeys.length } } });
    }
    if (result.failures.length > 0) {
      const detail = result.failures.map((failure) => `${failure.ref}: ${failure.error}`).join("; ");
      throw new SyncIncomplete(`${result.failures.length} tracker change(s) failed for ${story.key}: ${detail}`);
    }
    let finalProposal = proposal;
    if (!proposal.commentedAt) {
      const threadUrl = await deps.threadUrl?.(row.run);
      await tracker.comment(
        story,
        storyComment({ runId: row.runId, subtasks: result.subtasks, deletedKeys: result.deletedKeys, threadUrl }),
      );
      finalProposal = { ...proposal, commentedAt: new Date().toISOString() };
    }
    const done = await store.completeStory(row.id, jobId, {
      subtasksCreated: result.syncedCount,
      proposal: finalProposal,
      durationMs: elapsed(row),
      model: proposal.model,
      tokensUsed: proposal.tokensUsed,
    });
    if (done) await applyFinishLabels(row, summaryOf(row, story), "COMPLETED");
  }

  async function fail(row: RunStoryRow, jobId: string, error: unknown): Promise<void> {
    const appError = isAppError(error) ? error : null;
    const message = appError?.message ?? (error instanceof Error ? error.message : String(error));
    const current = await store.loadRunStory(row.id);
    const retryCount = current?.retryCount ?? row.retryCount;
    // Unexpected errors (a bug, a dropped connection) get the same bounded retries as transient ones.
    const retryable = appError ? appError.retryable : true;
    if (retryable && retryCount < retry.maxRetries) {
      const delay = Math.max(retry.delayMs(retryCount + 1), appError?.retryAfterMs ?? 0);
      const nextJob = retryJobId(jobId);
      if (await store.handOver(row.id, jobId, nextJob, `attempt ${retryCount + 1} failed: ${message}; retrying`)) {
        logger.warn({ err: error, runStoryId: row.id, retryInMs: Math.round(delay) }, "story attempt failed; retrying");
        await deps.queue.sendStory(row.id, nextJob, Math.ceil(delay / 1000));
        await emitStory(row.id);
      }
      return;
    }
    logger.error({ err: error, runStoryId: row.id, story: row.story.key }, "story failed");
    const failed = await store.transition(row.id, jobId, OPEN, "FAILED", {
      errorMsg: message,
      completedAt: new Date(),
      durationMs: elapsed(current ?? row),
    });
    if (failed) {
      await applyFinishLabels(row, summaryOf(row), "FAILED");
      await emitStory(row.id);
      await finishRun(row.runId);
    }
  }

  /** Handles one delivery of a story job. */
  async function processStory(job: Pick<Job<StoryJob>, "id" | "data">): Promise<void> {
    let row = await store.loadRunStory(job.data.runStoryId);
    if (!row || !OPEN.includes(row.status)) return;

    if (row.status === "PENDING") {
      if (row.reviewState === "AWAITING") return;
      const claimedAt = new Date();
      const approved = row.reviewState === "APPROVED" && row.proposal !== null;
      if (approved) {
        // Approved in review: the proposal is saved as it was shown.
        const { count } = await prisma.runStory.updateMany({
          where: { id: row.id, status: "PENDING", reviewState: "APPROVED" },
          data: { status: "SAVING", jobId: job.id, startedAt: row.startedAt ?? claimedAt },
        });
        if (count !== 1) return;
      } else {
        const claim = await store.claimStory(row.id, row.storyId, job.id, claimedAt);
        if (claim === "lost") return;
        if (claim === "skipped") {
          await emitStory(row.id);
          await finishRun(row.runId);
          return;
        }
      }
      // The row as the claim left it, without reading it back.
      row = {
        ...row,
        status: approved ? "SAVING" : "GENERATING",
        jobId: job.id,
        startedAt: approved ? (row.startedAt ?? claimedAt) : claimedAt,
        errorMsg: null,
      };
      await emitStory(row.id);
    } else if (row.jobId !== job.id) {
      // Another job holds this story; this delivery is a duplicate.
      logger.debug({ runStoryId: row.id, jobId: job.id, holder: row.jobId }, "story held by another job");
      return;
    }

    try {
      let proposal = parseProposal(row.proposal);
      let story: TrackerStory | undefined;
      if (row.status === "GENERATING") {
        const generated = await generate(row, job.id);
        if (!generated) return;
        await emitStory(row.id);
        if (generated.next !== "SAVING") {
          if (generated.next !== "PENDING") await finishRun(row.runId);
          return;
        }
        proposal = generated.proposal ?? null;
        story = generated.story;
      }
      if (!proposal) throw new Error(`story ${row.story.key} reached saving without a proposal`);
      await save(row, job.id, proposal, story);
      await emitStory(row.id);
      // Checked after the story's own commit: whichever story commits last sees all the others.
      await finishRun(row.runId);
    } catch (error) {
      await fail(row, job.id, error);
    }
  }

  /** A job pg-boss gave up on (its worker kept dying or timing out): the story fails. */
  async function processDeadStory(job: Pick<Job<StoryJob>, "id" | "data">): Promise<void> {
    const row = await store.loadRunStory(job.data.runStoryId);
    if (!row || !OPEN.includes(row.status)) return;
    const { count } = await prisma.runStory.updateMany({
      where: { id: row.id, status: { in: [...OPEN] } },
      data: {
        status: "FAILED",
        errorMsg: "the worker handling this story stopped repeatedly (crash or timeout); giving up",
        completedAt: new Date(),
        durationMs: elapsed(row),
      },
    });
    if (count === 1) {
      await applyFinishLabels(row, summaryOf(row), "FAILED");
      await emitStory(row.id);
      await finishRun(row.runId);
    }
  }

  return { processStory, processDeadStory, finishRun, emitStory };
}

export type StoryProcessor = ReturnType<typeof createStoryProcessor>;
