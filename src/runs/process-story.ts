// The story state machine: PENDING → GENERATING → SAVING → COMPLETED | FAILED | SKIPPED.
// One queue job drives one story. Each step starts with a guarded transition, so a duplicate
// job finds the story held and leaves it alone, while a retry of the holding job (same id,
// after a crash) resumes from where the story stood, never from scratch once subtasks exist.
import type { Job } from "pg-boss";
import { isAppError } from "../errors/app-error.ts";
import type { SubtaskGenerator } from "../generation/types.ts";
import type { Logger } from "../log/logger.ts";
import { noBreakdownComment, noBreakdownMessage, storyComment } from "../sync/comment.ts";
import type { SettingsStore } from "../settings/store.ts";
import { parseProposal, type Proposal } from "../sync/proposal.ts";
import { planRegeneration } from "../sync/regeneration.ts";
import { rowsToSaveAtOnce, writeBack } from "../sync/write-back.ts";
import type { SubtaskRow } from "../sync/subtask-rows.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import type { Tracker, TrackerItemSummary, TrackerStory } from "../trackers/types.ts";
import type { RunEvents } from "./events.ts";
import { applyFinishLabels, type FinishLabels } from "./finish-labels.ts";
import type { DiscussionLinks } from "./ports.ts";
import { retryJobId, type RunQueue, type StoryJob } from "./queue.ts";
import { parseRunOptions } from "./run-options.ts";
import { isOpenStory, type RunStoryState } from "./states.ts";
import type { RunTriggerKind } from "./types.ts";
import type { RunStore, RunStoryRow } from "./store.ts";
import { buildStoryContext } from "./story-context.ts";
import { createStoryReader } from "./story-reader.ts";
import { ProposalMissing, SyncIncomplete } from "./story-errors.ts";
import { decideRetry, defaultStoryRetryPolicy, type StoryRetryPolicy } from "./story-retry.ts";
import { storyRefOf, trackerFor } from "./story-tracker.ts";
import type { SpendGuard, SpendWait } from "./spend-guard.ts";
import { uuidFromName } from "../db/uuid-from-name.ts";
import { unlimitedSlots, type StorySlots, type StoryTurn } from "./story-slots.ts";

export interface StoryProcessorDeps {
  readonly store: RunStore;
  readonly queue: RunQueue;
  readonly events: RunEvents;
  readonly logger: Logger;
  readonly trackers: Trackers;
  readonly generator: SubtaskGenerator;
  readonly retry?: StoryRetryPolicy;
  /** Labels to set on stories of runs started by a tracker label; null: leave labels alone. */
  readonly finishLabels?: FinishLabels | null;
  /** Where a run is discussed (its Slack thread), for the story comment. */
  readonly links?: DiscussionLinks;
  /** The teams' conventions; absent: every story runs with the defaults. */
  readonly settings?: Pick<SettingsStore, "effectiveFor">;
  /**
   * Whether a person can review this run's proposals somewhere (a Slack thread): a team's
   * "review by default" only applies where one can. Default: runs started in Slack.
   */
  readonly canReview?: (run: { readonly trigger: RunTriggerKind; readonly slackChannel: string | null }) => boolean;
  /** Spend limits checked before a story starts generating; absent: none. */
  readonly spend?: Pick<SpendGuard, "waitFor">;
  /** The stories worked on at once (see story-slots.ts); absent: as many as the queue delivers. */
  readonly slots?: StorySlots;
}

/** Why a story a person stopped (Linear's stop signal) ended SKIPPED. */
export const STOPPED_REASON = "stopped at a person's request; nothing more was created";

/** Sibling titles an epic contributes to each story's context, at most. */
const SIBLINGS_SHOWN = 30;
/** Runs × epics whose story lists this process remembers. */
const REMEMBERED_EPICS = 100;

/** What a story's generation hands its save: the story as read, and the subtask rows saved with the move to SAVING, if they were. */
interface JustGenerated {
  readonly story: TrackerStory;
  readonly stored?: readonly SubtaskRow[];
}

export function createStoryProcessor(deps: StoryProcessorDeps) {
  const { store, logger, events } = deps;
  const retry = deps.retry ?? defaultStoryRetryPolicy;
  const slots = deps.slots ?? unlimitedSlots;
  const reader = createStoryReader({ store: deps.store, trackers: deps.trackers, logger: deps.logger });

  async function emitStory(runStoryId: string): Promise<void> {
    if (!events.wants("onStoryUpdate")) return;
    const progress = await store.loadStoryProgress(runStoryId);
    if (progress) events.storyUpdated(progress);
  }

  async function finishRun(runId: string): Promise<void> {
    if (await store.completeRunIfDone(runId)) {
      logger.info({ runId }, "run finished");
      if (!events.wants("onRunComplete")) return;
      const progress = await store.loadRunProgress(runId);
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
      stories = store.epicStories(epicId, SIBLINGS_SHOWN + 1);
      stories.catch(() => epicStoryCache.delete(key));
      epicStoryCache.set(key, stories);
      if (epicStoryCache.size > REMEMBERED_EPICS) epicStoryCache.delete(epicStoryCache.keys().next().value!);
    }
    return stories;
  }

  function elapsed(row: Pick<RunStoryRow, "startedAt">): number {
    return row.startedAt ? Date.now() - row.startedAt.getTime() : 0;
  }

  async function labelOutcome(row: RunStoryRow, story: TrackerItemSummary, outcome: RunStoryState): Promise<void> {
    if (!deps.finishLabels || row.run.trigger !== "TRACKER_LABEL") return;
    await applyFinishLabels({ tracker: trackerFor(deps.trackers, row.story.tracker), labels: deps.finishLabels, logger }, story, outcome);
  }

  function summaryOf(row: RunStoryRow, fresh?: TrackerStory): TrackerItemSummary {
    return { id: fresh?.id ?? row.story.trackerId, key: row.story.key, title: row.story.title, url: fresh?.url ?? row.story.url ?? "" };
  }

  async function generate(row: RunStoryRow, jobId: string): Promise<({ next: RunStoryState; proposal?: Proposal } & JustGenerated) | null> {
    const { story, fromSnapshot } = await reader.read(row);
    if (story.title !== row.story.title || story.url !== row.story.url || story.key !== row.story.key) {
      await store.refreshStory(row.storyId, story);
    }
    if (story.closed) {
      await store.skipStory(row.id, jobId, `skipped: ${story.key} is closed; closed stories are not broken down`, elapsed(row));
      return { next: "SKIPPED", story };
    }
    // A stop asked for before the model is called ends the story without calling it. Without a
    // tracker read in between, the row as the claim found it says it: it is at most the wait for
    // a slot old (one tracker write); a stop asked for since is found after the call, before
    // anything is written.
    if (fromSnapshot ? row.stopRequestedAt !== null : await store.stopRequested(row.id)) {
      await store.stopStory(row.id, jobId, STOPPED_REASON, elapsed(row));
      return { next: "SKIPPED", story };
    }
    const plan = planRegeneration(story.children);
    const siblings = row.story.epicId
      ? (await epicStories(row.runId, row.story.epicId)).filter((s) => s.id !== row.storyId).slice(0, SIBLINGS_SHOWN)
      : [];
    const options = parseRunOptions(row.run.options);
    const settings = (await deps.settings?.effectiveFor(row.story.tracker, story.team.key)) ?? null;
    // A regeneration in review replaces an earlier proposal; what that one cost still counts.
    const earlier = parseProposal(row.proposal);
    // An instruction that came after the earlier proposal asks to edit that proposal.
    const refining = earlier !== null && earlier.verdict === "breakdown" && row.instructions.length > earlier.instructionCount;
    const context = buildStoryContext(story, {
      existing: plan.existing,
      siblingTitles: siblings.map((s) => s.title),
      guidance: settings?.guidance ?? null,
      instructions: row.instructions,
      previousPlan: refining ? earlier.subtasks : null,
    });
    const count = options.count ?? settings?.count ?? undefined;
    const result = await deps.generator.generate(context, {
      ...(count ? { count } : {}),
      ...(settings?.effortScale ? { effortScale: settings.effortScale } : {}),
      ...(settings?.language ? { language: settings.language } : {}),
    });
    const noBreakdown = result.verdict === "no_breakdown";
    const proposal: Proposal = {
      verdict: result.verdict,
      reason: result.reason,
      subtasks: result.subtasks,
      // A story that needs no breakdown keeps what it has: nothing is replaced.
      deletions: noBreakdown ? [] : plan.deletions,
      extraLabels: settings?.extraLabels ?? [],
      usage: result.usage,
      tokensUsed: (earlier?.tokensUsed ?? 0) + result.tokensUsed,
      costUsd: (earlier?.costUsd ?? 0) + result.costUsd,
      model: result.model,
      generatedAt: new Date().toISOString(),
      storyEstimate: story.estimate,
      instructionCount: row.instructions.length,
    };
    const canReview = deps.canReview ?? ((run) => run.slackChannel !== null);
    const review = options.review ?? (settings?.reviewByDefault === true && canReview(row.run));
    // Nothing to approve when nothing would be created: "no breakdown needed" ends the story.
    const awaitsReview = review && !noBreakdown && row.reviewState !== "APPROVED";
    // The model call is the long step: a stop asked for meanwhile ends the story here. On the
    // way to saving, the move to SAVING checks it in the same statement (see startSaving).
    if ((options.dryRun || awaitsReview) && (await store.stopRequested(row.id))) {
      await store.stopStory(row.id, jobId, STOPPED_REASON, elapsed(row));
      return { next: "SKIPPED", story };
    }
    if (noBreakdown && options.dryRun) {
      await store.skipStory(row.id, jobId, noBreakdownMessage(result.reason), elapsed(row), { proposal, tokensUsed: proposal.tokensUsed });
      return { next: "SKIPPED", story, proposal };
    }
    if (options.dryRun) {
      await store.completeDryRun(row.id, jobId, proposal, proposal.tokensUsed, elapsed(row));
      return { next: "COMPLETED", story, proposal };
    }
    if (awaitsReview) {
      // Waits for a person: back to PENDING with the proposal, until Create/Regenerate/Discard.
      await store.awaitReview(row.id, jobId, proposal, proposal.tokensUsed);
      return { next: "PENDING", story, proposal };
    }
    // Nothing to delete first: the subtask rows are saved with the move, one round trip for both.
    const rows = rowsToSaveAtOnce(story, proposal);
    if (rows) {
      const stored = await store.startSavingWithRows(row.id, jobId, proposal, proposal.tokensUsed, { storyId: row.storyId, runId: row.runId, ...rows });
      if (stored) return { next: "SAVING", story, proposal, stored };
    } else if (await store.startSaving(row.id, jobId, proposal, proposal.tokensUsed)) {
      return { next: "SAVING", story, proposal };
    }
    // Not moved: another job holds the story, or a person asked to stop it.
    if (await store.stopRequested(row.id)) {
      await store.stopStory(row.id, jobId, STOPPED_REASON, elapsed(row));
      return { next: "SKIPPED", story };
    }
    return null;
  }

  /**
   * `generated`: what this job's generation left, right after the guarded move to SAVING, which
   * found no stop asked for: the story as it read it, and the subtask rows saved with the move
   * (if they were). A job that resumes a story or saves an approved proposal has neither.
   */
  async function save(row: RunStoryRow, jobId: string, turn: StoryTurn, proposal: Proposal, generated?: JustGenerated): Promise<void> {
    const known = generated?.story;
    const tracker = trackerFor(deps.trackers, row.story.tracker);
    // The last safe point before the tracker is written: a stop asked for by now creates nothing.
    if (!known && (await store.stopRequested(row.id))) {
      await store.stopStory(row.id, jobId, STOPPED_REASON, elapsed(row));
      return;
    }
    // A resumed job re-reads the children: some may have been created before the crash.
    const story = known ?? (await tracker.getStory(storyRefOf(row.story)));
    if (proposal.verdict === "no_breakdown") return finishWithoutBreakdown(row, jobId, turn, proposal, story, tracker);
    const result = await writeBack(
      { rows: store, tracker, logger },
      { runId: row.runId, storyId: row.storyId, trackerStory: story, proposal, ...(generated?.stored ? { stored: generated.stored } : {}) },
    );
    if (result.deletedKeys.length > 0) await store.countDeletedSubtasks(row.id, result.deletedKeys.length);
    if (result.failures.length > 0) {
      const detail = result.failures.map((failure) => `${failure.ref}: ${failure.error}`).join("; ");
      throw new SyncIncomplete(`${result.failures.length} tracker change(s) failed for ${story.key}: ${detail}`);
    }
    let finalProposal = proposal;
    if (!proposal.commentedAt) {
      const threadUrl = await deps.links?.threadUrl(row.run);
      // The last tracker write: the next story claims meanwhile.
      turn.passTurn();
      await tracker.comment(
        story,
        storyComment({ runId: row.runId, subtasks: result.subtasks, deletedKeys: result.deletedKeys, threadUrl, linksUnavailable: result.linksUnavailable }),
      );
      finalProposal = { ...proposal, commentedAt: new Date().toISOString() };
    }
    // The tracker is written: what is left is bookkeeping, which need not hold a slot.
    turn.end();
    // Kept with the proposal, so the run's thread can say it once for all its stories.
    if (result.linksUnavailable) finalProposal = { ...finalProposal, linksUnavailable: result.linksUnavailable };
    const done = await store.completeStory(row.id, jobId, {
      subtasksCreated: result.syncedCount,
      proposal: finalProposal,
      durationMs: elapsed(row),
      model: proposal.model,
      tokensUsed: proposal.tokensUsed,
      links: result.linked,
      subIssues: result.created,
    });
    if (done) await labelOutcome(row, summaryOf(row, story), "COMPLETED");
  }

  /** A story that needs no subtasks: the reason goes on the story, and it ends SKIPPED (a finished outcome). */
  async function finishWithoutBreakdown(row: RunStoryRow, jobId: string, turn: StoryTurn, proposal: Proposal, story: TrackerStory, tracker: Tracker): Promise<void> {
    let finalProposal = proposal;
    if (!proposal.commentedAt) {
      const threadUrl = await deps.links?.threadUrl(row.run);
      turn.passTurn();
      await tracker.comment(story, noBreakdownComment({ runId: row.runId, storyKey: story.key, reason: proposal.reason, threadUrl }));
      finalProposal = { ...proposal, commentedAt: new Date().toISOString() };
    }
    turn.end();
    if (await store.finishWithoutBreakdown(row.id, jobId, noBreakdownMessage(proposal.reason), finalProposal, elapsed(row))) {
      // For the people watching the board this story is done: it needs no subtasks.
      await labelOutcome(row, summaryOf(row, story), "COMPLETED");
    }
  }

  async function fail(row: RunStoryRow, jobId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const current = await store.loadRunStory(row.id);
    const decision = decideRetry(retry, current?.retryCount ?? row.retryCount, error);
    if (decision.retry) {
      const attempt = (current?.retryCount ?? row.retryCount) + 1;
      const nextJob = retryJobId(jobId);
      if (await store.handOver(row.id, jobId, nextJob, `attempt ${attempt} failed: ${message}; retrying`)) {
        logger.warn({ err: error, runStoryId: row.id, retryInMs: Math.round(decision.delayMs) }, "story attempt failed; retrying");
        await deps.queue.sendStory(row.id, nextJob, Math.ceil(decision.delayMs / 1000));
        await emitStory(row.id);
      }
      return;
    }
    logger.error({ err: error, runStoryId: row.id, story: row.story.key, code: isAppError(error) ? error.code : undefined }, "story failed");
    if (await store.failStory(row.id, jobId, message, elapsed(current ?? row))) {
      await labelOutcome(row, summaryOf(row), "FAILED");
      await emitStory(row.id);
      await finishRun(row.runId);
    }
  }

  /**
   * Holds a story back until a spend limit resets: it stays PENDING with the reason, handed to a
   * delayed queue job (in Postgres, so it survives restarts) that tries again at the reset.
   */
  async function waitForSpend(row: RunStoryRow, jobId: string, wait: SpendWait): Promise<void> {
    // Derived from the job that found the limit: a duplicate of it defers once; the next job differs.
    const waitJob = uuidFromName(`wait:${jobId}:${wait.resetsAt.toISOString()}`);
    if (!(await store.deferStory(row.id, row.jobId, waitJob, wait.reason))) return;
    // A second after the reset, so a job started early by a clock skew finds the new period.
    const delaySeconds = Math.max(1, Math.ceil((wait.resetsAt.getTime() - Date.now()) / 1000) + 1);
    logger.info({ runStoryId: row.id, story: row.story.key, limit: wait.limit, resetsAt: wait.resetsAt.toISOString() }, "story waits for a spend limit");
    await deps.queue.sendStory(row.id, waitJob, delaySeconds);
    await emitStory(row.id);
  }

  /** Approved in review: the proposal is saved as it was shown, by whichever job comes. */
  function approvedInReview(row: RunStoryRow): boolean {
    return row.reviewState === "APPROVED" && row.proposal !== null;
  }

  /** Handles one delivery of a story job. */
  async function processStory(job: Pick<Job<StoryJob>, "id" | "data">): Promise<void> {
    const row = await store.loadRunStory(job.data.runStoryId);
    if (!row || !isOpenStory(row.status)) return;
    if (row.status === "PENDING") {
      if (row.reviewState === "AWAITING") return;
      if (!approvedInReview(row)) {
        // Only the job the story was handed to may hold it back or claim it.
        if (row.jobId !== null && row.jobId !== job.id) return;
        const wait = await deps.spend?.waitFor({ id: row.runId, trigger: row.run.trigger, requestedBy: row.run.requestedBy });
        if (wait) return waitForSpend(row, job.id, wait);
      }
    } else if (row.jobId !== job.id) {
      // Another job holds this story; this delivery is a duplicate.
      logger.debug({ runStoryId: row.id, jobId: job.id, holder: row.jobId }, "story held by another job");
      return;
    }
    // The row may have moved while this job waited for its turn: every step from the claim on is
    // a guarded move, which finds that out.
    const turn = await slots.turn();
    try {
      await work(row, job.id, turn);
    } finally {
      turn.end();
    }
  }

  /**
   * A story's claim in its turn, then its generation and write-back in a slot (see
   * story-slots.ts); the slot is given back once the tracker is written.
   */
  async function work(loaded: RunStoryRow, jobId: string, turn: StoryTurn): Promise<void> {
    let row = loaded;
    if (row.status === "PENDING") {
      const claimedAt = new Date();
      let stopRequestedAt = row.stopRequestedAt;
      const approved = approvedInReview(row);
      if (approved) {
        if (!(await store.claimApprovedStory(row.id, jobId, row.startedAt ?? claimedAt))) return;
      } else {
        // The epic's other stories, which the model is shown, are asked for while the claim
        // commits: they are read once per run and epic, and a run's first stories wait for them.
        if (row.story.epicId) void epicStories(row.runId, row.story.epicId);
        const claim = await store.claimStory(row.id, row.storyId, jobId, claimedAt);
        if (claim.outcome === "lost") return;
        if (claim.outcome === "skipped") {
          turn.end();
          await emitStory(row.id);
          await finishRun(row.runId);
          return;
        }
        // As the claim found it: the row this job loaded may be a turn's wait old. (Whether a
        // stop was asked for is what counts, not when.)
        stopRequestedAt = claim.stopRequested ? (row.stopRequestedAt ?? claimedAt) : null;
      }
      // The row as the claim left it, without reading it back.
      row = {
        ...row,
        status: approved ? "SAVING" : "GENERATING",
        jobId,
        startedAt: approved ? (row.startedAt ?? claimedAt) : claimedAt,
        errorMsg: null,
        stopRequestedAt,
      };
      await emitStory(row.id);
    } else if (events.wants("onStoryResumed")) {
      // This job already held the story: its earlier run stopped mid-way and it resumes here.
      const progress = await store.loadStoryProgress(row.id);
      if (progress) events.storyResumed(progress, jobId);
    }
    await turn.takeSlot();

    try {
      let proposal = parseProposal(row.proposal);
      let generated: JustGenerated | undefined;
      if (row.status === "GENERATING") {
        const outcome = await generate(row, jobId);
        if (!outcome) return;
        if (outcome.next !== "SAVING") {
          // Ended or waits for a person: nothing more goes to the tracker.
          turn.end();
          await emitStory(row.id);
          if (outcome.next !== "PENDING") await finishRun(row.runId);
          return;
        }
        await emitStory(row.id);
        proposal = outcome.proposal ?? null;
        generated = outcome;
      }
      if (!proposal) throw new ProposalMissing(row.story.key);
      await save(row, jobId, turn, proposal, generated);
      await emitStory(row.id);
      // Checked after the story's own commit: whichever story commits last sees all the others.
      await finishRun(row.runId);
    } catch (error) {
      turn.end();
      await fail(row, jobId, error);
    }
  }

  /** A job pg-boss gave up on (its worker kept dying or timing out): the story fails. */
  async function processDeadStory(job: Pick<Job<StoryJob>, "id" | "data">): Promise<void> {
    const row = await store.loadRunStory(job.data.runStoryId);
    if (!row || !isOpenStory(row.status)) return;
    if (await store.giveUpStory(row.id, "the worker handling this story stopped repeatedly (crash or timeout); giving up", elapsed(row))) {
      await labelOutcome(row, summaryOf(row), "FAILED");
      await emitStory(row.id);
      await finishRun(row.runId);
    }
  }

  return { processStory, processDeadStory, finishRun, emitStory };
}

export type StoryProcessor = ReturnType<typeof createStoryProcessor>;
