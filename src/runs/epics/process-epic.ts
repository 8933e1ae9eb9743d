// The epic state machine of a stories run: PENDING → GENERATING → SAVING → COMPLETED | FAILED |
// SKIPPED, with a review stop (PENDING, AWAITING) by default. One queue job drives one epic, and
// each step starts with a guarded transition (epic-store.ts), as for stories in process-story.ts:
// a duplicate job finds the epic held, a retry of the holding job resumes where the epic stood.
import type { Job } from "pg-boss";
import { isAppError } from "../../errors/app-error.ts";
import type { StoryGenerator } from "../../generation/stories/types.ts";
import type { Logger } from "../../log/logger.ts";
import type { SettingsStore } from "../../settings/store.ts";
import { planRegeneration } from "../../sync/regeneration.ts";
import { parseStoriesProposal, type StoriesProposal } from "../../sync/stories-proposal.ts";
import { epicComment, writeStories, type WrittenStory } from "../../sync/write-stories.ts";
import type { Trackers } from "../../trackers/create-trackers.ts";
import type { TrackerEpic, TrackerItemSummary } from "../../trackers/types.ts";
import type { EpicRunStore, RunEpicRow } from "../epic-store.ts";
import { isOpenEpic } from "../epic-store.ts";
import type { RunEvents } from "../events.ts";
import { applyFinishLabels, type FinishLabels } from "../finish-labels.ts";
import type { DiscussionLinks } from "../ports.ts";
import { retryJobId, type EpicJob, type RunQueue } from "../queue.ts";
import { parseRunOptions } from "../run-options.ts";
import { ProposalMissing, SyncIncomplete } from "../story-errors.ts";
import { decideRetry, defaultStoryRetryPolicy, type StoryRetryPolicy } from "../story-retry.ts";
import { storyRefOf, trackerFor } from "../story-tracker.ts";
import type { RunTriggerKind } from "../types.ts";
import { toRunSummary } from "../progress.ts";
import { parseRunTargets } from "../run-options.ts";

export interface EpicProcessorDeps {
  readonly store: EpicRunStore;
  readonly queue: RunQueue;
  readonly events: RunEvents;
  readonly logger: Logger;
  readonly trackers: Trackers;
  readonly generator: StoryGenerator;
  readonly retry?: StoryRetryPolicy;
  /** Labels for epics of runs started by the stories label (trigger: STORIES_LABEL); null: leave labels alone. */
  readonly finishLabels?: FinishLabels | null;
  readonly links?: DiscussionLinks;
  readonly settings?: Pick<SettingsStore, "effectiveFor">;
  readonly canReview?: (run: { readonly trigger: RunTriggerKind; readonly slackChannel: string | null }) => boolean;
  /** Starts the subtasks run on an epic's new stories (--then-subtasks); null when nothing was started. */
  readonly chainSubtasks?: (runEpicId: string) => Promise<string | null>;
}

export function createEpicProcessor(deps: EpicProcessorDeps) {
  const { store, logger, events } = deps;
  const retry = deps.retry ?? defaultStoryRetryPolicy;

  async function emitEpic(runEpicId: string): Promise<void> {
    if (!events.wants("onEpicUpdate")) return;
    const epic = await store.loadEpicProgress(runEpicId);
    if (epic) events.epicUpdated(epic);
  }

  async function finishRun(runId: string): Promise<void> {
    if (!(await store.completeRunIfDone(runId))) return;
    logger.info({ runId }, "stories run finished");
    if (!events.wants("onRunComplete")) return;
    const run = await store.loadStoriesRun(runId);
    if (run) events.runCompleted(toRunSummary(run), []);
  }

  function elapsed(row: Pick<RunEpicRow, "startedAt">): number {
    return row.startedAt ? Date.now() - row.startedAt.getTime() : 0;
  }

  async function labelOutcome(row: RunEpicRow, epic: TrackerItemSummary, outcome: "COMPLETED" | "FAILED"): Promise<void> {
    if (!deps.finishLabels || row.run.trigger !== "TRACKER_LABEL") return;
    await applyFinishLabels({ tracker: trackerFor(deps.trackers, row.epic.tracker), labels: deps.finishLabels, logger }, epic, outcome);
  }

  function summaryOf(row: RunEpicRow): TrackerItemSummary {
    return { id: row.epic.trackerId, key: row.epic.key, title: row.epic.title, url: row.epic.url ?? "" };
  }

  /** The epic as the tracker shows it now, read by the reference it was named with. */
  function readEpic(row: RunEpicRow): Promise<TrackerEpic> {
    const tracker = trackerFor(deps.trackers, row.epic.tracker);
    const [ref] = parseRunTargets({ targets: row.ref ? [row.ref] : [] });
    return tracker.readEpic(ref ?? storyRefOf(row.epic));
  }

  /** GENERATING: a proposal from the epic as it is now; then review, dry-run result or saving. */
  async function generate(row: RunEpicRow, jobId: string): Promise<{ next: "SAVING" | "PENDING" | "DONE"; epic: TrackerEpic; proposal: StoriesProposal } | null> {
    const epic = await readEpic(row);
    if (epic.closed) {
      await store.skipEpic(row.id, jobId, `skipped: ${epic.key} is closed; closed epics get no new stories`, elapsed(row));
      return null;
    }
    const options = parseRunOptions(row.run.options);
    const settings = (await deps.settings?.effectiveFor(row.epic.tracker, epic.team.key)) ?? null;
    const plan = planRegeneration(epic.stories);
    const earlier = parseStoriesProposal(row.proposal);
    const refining = earlier !== null && row.instructions.length > earlier.instructionCount;
    const result = await deps.generator.generate(
      {
        key: epic.key,
        title: epic.title,
        description: epic.description,
        existingStories: plan.existing,
        siblingEpics: epic.siblings,
        pointScale: epic.pointScale,
        ...(settings?.guidance ? { teamGuidance: settings.guidance } : {}),
        ...(row.instructions.length > 0 ? { instructions: row.instructions } : {}),
        ...(refining ? { previousPlan: earlier.stories } : {}),
      },
      {
        ...(options.count ? { count: options.count } : {}),
        ...(settings?.language ? { language: settings.language } : {}),
      },
    );
    const proposal: StoriesProposal = {
      stories: result.stories,
      deletions: plan.deletions,
      extraLabels: settings?.extraLabels ?? [],
      pointScale: epic.pointScale,
      usage: result.usage,
      tokensUsed: (earlier?.tokensUsed ?? 0) + result.tokensUsed,
      costUsd: (earlier?.costUsd ?? 0) + result.costUsd,
      model: result.model,
      generatedAt: new Date().toISOString(),
      instructionCount: row.instructions.length,
    };
    if (options.dryRun) {
      await store.completeDryRun(row.id, jobId, proposal, proposal.tokensUsed, elapsed(row));
      return { next: "DONE", epic, proposal };
    }
    const canReview = (deps.canReview ?? ((run) => run.slackChannel !== null))(row.run);
    // Stories are bigger decisions than subtasks: a person reviews them wherever one can,
    // unless the command (--no-review) or the team's settings say otherwise.
    const review = canReview && (options.review ?? settings?.reviewByDefault ?? true);
    if (review && row.reviewState !== "APPROVED") {
      await store.awaitReview(row.id, jobId, proposal, proposal.tokensUsed);
      return { next: "PENDING", epic, proposal };
    }
    return (await store.startSaving(row.id, jobId, proposal, proposal.tokensUsed)) ? { next: "SAVING", epic, proposal } : null;
  }

  /** SAVING: the stories in the tracker, the Story rows, a note on the epic. */
  async function save(row: RunEpicRow, jobId: string, proposal: StoriesProposal, known?: TrackerEpic): Promise<boolean> {
    const tracker = trackerFor(deps.trackers, row.epic.tracker);
    // A resumed job reads the epic again: some stories may exist from before the crash.
    const epic = known ?? (await readEpic(row));
    const result = await writeStories({ tracker, logger }, { runId: row.runId, epicId: row.epicId, epic, proposal });
    if (result.stories.length > 0) await store.recordStories(row.epicId, row.runId, result.stories, { model: proposal.model, tokensUsed: proposal.tokensUsed });
    await store.countDeletedStories(row.id, result.deletedKeys.length);
    if (result.failures.length > 0) {
      const detail = result.failures.map((failure) => `${failure.ref}: ${failure.error}`).join("; ");
      throw new SyncIncomplete(`${result.failures.length} tracker change(s) failed for ${epic.key}: ${detail}`);
    }
    let finalProposal = proposal;
    if (!proposal.commentedAt) {
      const threadUrl = await deps.links?.threadUrl(row.run);
      await tracker.comment(epic, epicComment({ runId: row.runId, stories: result.stories as WrittenStory[], deletedKeys: result.deletedKeys, threadUrl }));
      finalProposal = { ...proposal, commentedAt: new Date().toISOString() };
    }
    const done = await store.completeEpic(row.id, jobId, { storiesCreated: result.stories.length, storiesDeleted: 0, proposal: finalProposal, durationMs: elapsed(row) });
    if (done) await labelOutcome(row, epic, "COMPLETED");
    return done;
  }

  async function fail(row: RunEpicRow, jobId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const current = await store.loadRunEpic(row.id);
    const retries = current?.retryCount ?? row.retryCount;
    const decision = decideRetry(retry, retries, error);
    if (decision.retry) {
      const nextJob = retryJobId(jobId);
      if (await store.handOver(row.id, jobId, nextJob, `attempt ${retries + 1} failed: ${message}; retrying`)) {
        logger.warn({ err: error, runEpicId: row.id, retryInMs: Math.round(decision.delayMs) }, "epic attempt failed; retrying");
        await deps.queue.sendEpic(row.id, nextJob, Math.ceil(decision.delayMs / 1000));
        await emitEpic(row.id);
      }
      return;
    }
    logger.error({ err: error, runEpicId: row.id, epic: row.epic.key, code: isAppError(error) ? error.code : undefined }, "epic failed");
    if (await store.failEpic(row.id, jobId, message, elapsed(current ?? row))) {
      await labelOutcome(row, summaryOf(row), "FAILED");
      await emitEpic(row.id);
      await finishRun(row.runId);
    }
  }

  /** Handles one delivery of an epic job. */
  async function processEpic(job: Pick<Job<EpicJob>, "id" | "data">): Promise<void> {
    let row = await store.loadRunEpic(job.data.runEpicId);
    if (!row || !isOpenEpic(row.status) || row.run.type !== "GENERATE_STORIES") return;
    if (row.status === "PENDING") {
      if (row.reviewState === "AWAITING") return;
      const claimedAt = new Date();
      const approved = row.reviewState === "APPROVED" && row.proposal !== null;
      const claim = await store.claimEpic(row, job.id, approved ? (row.startedAt ?? claimedAt) : claimedAt, approved);
      if (claim === "lost") return;
      if (claim === "skipped") {
        await emitEpic(row.id);
        await finishRun(row.runId);
        return;
      }
      row = { ...row, status: approved ? "SAVING" : "GENERATING", jobId: job.id, startedAt: approved ? (row.startedAt ?? claimedAt) : claimedAt, errorMsg: null };
      await emitEpic(row.id);
    } else if (row.jobId !== job.id) {
      logger.debug({ runEpicId: row.id, jobId: job.id, holder: row.jobId }, "epic held by another job");
      return;
    }

    try {
      let proposal = parseStoriesProposal(row.proposal);
      let epic: TrackerEpic | undefined;
      if (row.status === "GENERATING") {
        const generated = await generate(row, job.id);
        await emitEpic(row.id);
        if (!generated) return finishRun(row.runId);
        if (generated.next !== "SAVING") {
          if (generated.next === "DONE") await finishRun(row.runId);
          return;
        }
        proposal = generated.proposal;
        epic = generated.epic;
      }
      if (!proposal) throw new ProposalMissing(row.epic.key);
      const done = await save(row, job.id, proposal, epic);
      if (done && parseRunOptions(row.run.options).thenSubtasks && deps.chainSubtasks) await deps.chainSubtasks(row.id);
      await emitEpic(row.id);
      await finishRun(row.runId);
    } catch (error) {
      await fail(row, job.id, error);
    }
  }

  /** A job pg-boss gave up on (its worker kept dying or timing out): the epic fails. */
  async function processDeadEpic(job: Pick<Job<EpicJob>, "id" | "data">): Promise<void> {
    const row = await store.loadRunEpic(job.data.runEpicId);
    if (!row || !isOpenEpic(row.status)) return;
    if (await store.failEpic(row.id, null, "the worker handling this epic stopped repeatedly (crash or timeout); giving up", elapsed(row))) {
      await labelOutcome(row, summaryOf(row), "FAILED");
      await emitEpic(row.id);
      await finishRun(row.runId);
    }
  }

  return { processEpic, processDeadEpic, emitEpic, finishRun };
}

export type EpicProcessor = ReturnType<typeof createEpicProcessor>;
