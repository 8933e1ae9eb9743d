// The run layer's public face: start runs, act on reviews, observe progress. Everything the
// Slack surface, the webhooks and the CLI need from runs goes through here; the store, the
// queue and the event fan-out stay inside.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { createStoryGenerator } from "../generation/stories/generator.ts";
import type { StoryGenerator } from "../generation/stories/types.ts";
import type { SubtaskGenerator } from "../generation/types.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../log/logger.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import { EpicRunStore } from "./epic-store.ts";
import { createEpicProcessor } from "./epics/process-epic.ts";
import { createEpicResolver } from "./epics/resolve-epics.ts";
import { RunEvents } from "./events.ts";
import type { FinishLabels } from "./finish-labels.ts";
import { RunIntake } from "./intake.ts";
import type { DiscussionLinks, StoryAdmission } from "./ports.ts";
import { createStoryProcessor, STOPPED_REASON, type StoryProcessorDeps } from "./process-story.ts";
import type { RunProgress } from "./progress.ts";
import {
  EPIC_DEAD_QUEUE,
  EPIC_QUEUE,
  RESOLVE_QUEUE,
  RunQueue,
  STORY_DEAD_QUEUE,
  STORY_QUEUE,
  type EpicJob,
  type QueueTiming,
  type ResolveJob,
  type StoryJob,
} from "./queue.ts";
import { createRunResolver } from "./resolve-run.ts";
import { SpendGuard, type SpendLimits, type SpendUsage } from "./spend-guard.ts";
import { RunStore } from "./store.ts";
import type { StoryRetryPolicy } from "./story-retry.ts";
import { trackerOfKind } from "../trackers/registry.ts";
import type { EpicProgress, RunObserver, RunSummary, StartRunInput, StartRunResult } from "./types.ts";
import { parseRunOptions } from "./run-options.ts";
import type { Redact } from "../log/redact.ts";
import { createStorySlots, STORY_WORKERS_PER_SLOT } from "./story-slots.ts";

export interface RunServiceDeps {
  readonly prisma: PrismaClient;
  /** The pool behind `prisma` (Database.pool): a story step's hottest statements go to it directly. */
  readonly pool: pg.Pool;
  /** Connections of the run intake alone (Database.intakePool), so recording never waits behind runs. */
  readonly intakePool: pg.Pool;
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** Cuts the configured secrets out of every error a run or story records; default: nothing. */
  readonly redact?: Redact;
  readonly trackers: Trackers;
  readonly generator: SubtaskGenerator;
  /** Writes an epic's stories (stories runs); default: none configured (every stories run fails with GenerationUnavailable). */
  readonly storyGenerator?: StoryGenerator;
  /** Labels for epics of runs the stories label started (trigger: STORIES_LABEL). */
  readonly storiesFinishLabels?: FinishLabels | null;
  /** Stories generated at once by this process (RUN_CONCURRENCY). */
  readonly concurrency: number;
  readonly epicStoryLimit?: number;
  readonly finishLabels?: FinishLabels | null;
  /** Where runs are discussed (Slack threads), for the links in tracker comments. */
  readonly links?: DiscussionLinks;
  /** The teams' conventions every story runs with. */
  readonly settings?: StoryProcessorDeps["settings"];
  /** Whether a run's proposals can be reviewed by a person (see StoryProcessorDeps). */
  readonly canReview?: StoryProcessorDeps["canReview"];
  readonly retry?: StoryRetryPolicy;
  /** Limits on the model's spend and on runs per person; absent: none. */
  readonly spendLimits?: SpendLimits;
  /** Which stories of a person's run may run where it reports; absent: all. */
  readonly admission?: StoryAdmission;
  readonly queueTiming?: Partial<QueueTiming>;
  /** Default: a pg-boss queue on databaseUrl. Tests pass their own to observe it. */
  readonly queue?: RunQueue;
  /** Set false to only enqueue (a process that serves HTTP but leaves work to others). */
  readonly work?: boolean;
  /** How often lost work is looked for (ms); 0 disables the sweeper. */
  readonly sweepIntervalMs?: number;
}

export type ReviewDecision = "create" | "regenerate" | "discard";
export type ReviewOutcome = "applied" | "already-decided" | "not-found";

export function createRunService(deps: RunServiceDeps) {
  const { logger } = deps;
  const store = new RunStore(deps.prisma, deps.pool, deps.redact);
  const events = new RunEvents(logger);
  const queue = deps.queue ?? new RunQueue({ databaseUrl: deps.databaseUrl, logger, ...(deps.queueTiming ? { timing: deps.queueTiming } : {}) });
  const spend = deps.spendLimits ? new SpendGuard({ store, limits: deps.spendLimits }) : null;
  const intake = new RunIntake({ pool: deps.intakePool, store, queue, logger });
  const processor = createStoryProcessor({
    store,
    queue,
    events,
    logger,
    trackers: deps.trackers,
    generator: deps.generator,
    finishLabels: deps.finishLabels ?? null,
    ...(deps.links ? { links: deps.links } : {}),
    ...(deps.settings ? { settings: deps.settings } : {}),
    ...(deps.canReview ? { canReview: deps.canReview } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(spend ? { spend } : {}),
    slots: createStorySlots(Math.max(1, deps.concurrency)),
  });
  const epicStore = new EpicRunStore(deps.prisma, deps.redact);
  const epicResolver = createEpicResolver({
    store: epicStore,
    queue,
    events,
    logger,
    trackers: deps.trackers,
    failRun: (runId, reason) => store.failRun(runId, reason),
    ...(deps.admission ? { admission: deps.admission } : {}),
  });
  const epicProcessor = createEpicProcessor({
    store: epicStore,
    queue,
    events,
    logger,
    trackers: deps.trackers,
    generator: deps.storyGenerator ?? createStoryGenerator({ client: null, logger }),
    finishLabels: deps.storiesFinishLabels ?? null,
    ...(deps.links ? { links: deps.links } : {}),
    ...(deps.settings ? { settings: deps.settings } : {}),
    ...(deps.canReview ? { canReview: deps.canReview } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    chainSubtasks: (runEpicId) => chainSubtasks(runEpicId).then((result) => (result.outcome === "started" ? result.runId : null)),
  });
  const resolver = createRunResolver({
    store,
    queue,
    events,
    logger,
    trackers: deps.trackers,
    epicStoryLimit: deps.epicStoryLimit ?? 50,
    resolveStoriesRun: epicResolver.resolveStoriesRun,
    ...(deps.admission ? { admission: deps.admission } : {}),
  });
  let sweeper: NodeJS.Timeout | undefined;

  /**
   * Records the run (with its webhook delivery when there is one) and does not enqueue it yet:
   * for a caller that has something to do first (the Slack surface posts the run's message).
   */
  function createRun(input: StartRunInput): Promise<StartRunResult> {
    return intake.record(input, false);
  }

  /** Hands a recorded run to the queue. Safe to call twice. */
  async function enqueueRun(runId: string): Promise<void> {
    await queue.sendResolve(runId);
  }

  /**
   * Records the run, then its queue job (a run stored without one is enqueued by the sweeper);
   * returns as soon as both are stored, never waits on generation.
   */
  function startRun(input: StartRunInput): Promise<StartRunResult> {
    return intake.record(input, true);
  }

  /**
   * A person's decision on a story waiting in review. Guarded, so a double click acts once:
   * only the first decision finds the story AWAITING.
   */
  async function decideReview(runStoryId: string, decision: ReviewDecision): Promise<ReviewOutcome> {
    const row = await store.loadRunStory(runStoryId);
    if (!row) return "not-found";
    const jobId = randomUUID();
    const applied =
      decision === "create"
        ? await store.approveReview(runStoryId, jobId)
        : decision === "regenerate"
          ? await store.reopenReview(runStoryId, jobId)
          : await store.discardReview(runStoryId, row.startedAt ? Date.now() - row.startedAt.getTime() : 0);
    if (!applied) return "already-decided";
    if (decision === "discard") {
      await processor.emitStory(runStoryId);
      await processor.finishRun(row.runId);
    } else {
      await queue.sendStory(runStoryId, jobId);
    }
    return "applied";
  }

  /**
   * A person's instruction for a story waiting in review: a new proposal is made from the story,
   * the one shown and the instruction, and the story waits in review again. Guarded like the
   * other decisions: only the first click on a story awaiting review applies.
   */
  async function refineReview(runStoryId: string, instruction: string): Promise<ReviewOutcome> {
    const row = await store.loadRunStory(runStoryId);
    if (!row) return "not-found";
    const jobId = randomUUID();
    if (!(await store.refineReview(runStoryId, jobId, instruction))) return "already-decided";
    await queue.sendStory(runStoryId, jobId);
    return "applied";
  }

  /** A person's decision on an epic's proposed stories (a stories run in review); guarded like decideReview. */
  async function decideEpicReview(runEpicId: string, decision: ReviewDecision): Promise<ReviewOutcome> {
    const row = await epicStore.loadRunEpic(runEpicId);
    if (!row) return "not-found";
    const jobId = randomUUID();
    const applied =
      decision === "create"
        ? await epicStore.approveReview(runEpicId, jobId)
        : decision === "regenerate"
          ? await epicStore.reopenReview(runEpicId, jobId)
          : await epicStore.discardReview(runEpicId, row.startedAt ? Date.now() - row.startedAt.getTime() : 0);
    if (!applied) return "already-decided";
    if (decision === "discard") {
      await epicProcessor.emitEpic(runEpicId);
      await epicProcessor.finishRun(row.runId);
    } else {
      await queue.sendEpic(runEpicId, jobId);
    }
    return "applied";
  }

  /** A person's instruction for an epic's proposed stories: a new proposal edits the one shown. */
  async function refineEpicReview(runEpicId: string, instruction: string): Promise<ReviewOutcome> {
    const row = await epicStore.loadRunEpic(runEpicId);
    if (!row) return "not-found";
    const jobId = randomUUID();
    if (!(await epicStore.refineReview(runEpicId, jobId, instruction))) return "already-decided";
    await queue.sendEpic(runEpicId, jobId);
    return "applied";
  }

  /**
   * "Break these into subtasks": a subtasks run on exactly the stories this run made in the
   * epic, in the stories run's thread, once per epic (a second click finds it started).
   */
  async function chainSubtasks(
    runEpicId: string,
    requester?: { id: string; name?: string },
  ): Promise<{ outcome: "started"; runId: string } | { outcome: "already-started"; runId: string | null } | { outcome: "not-found" | "nothing-to-do" }> {
    const row = await epicStore.loadRunEpic(runEpicId);
    if (!row || row.status !== "COMPLETED") return { outcome: "not-found" };
    if (row.chainedRunId) return { outcome: "already-started", runId: row.chainedRunId };
    const stories = await epicStore.storiesMadeBy(row.runId, row.epicId);
    if (stories.length === 0) return { outcome: "nothing-to-do" };
    const name = trackerOfKind(row.epic.tracker).name;
    const options = parseRunOptions(row.run.options);
    const started = await intake.record(
      {
        trigger: row.run.trigger,
        refs: stories.map((story) => ({ tracker: name, key: story.key, kind: "issue", input: story.key })),
        requestedBy: requester?.id ?? row.run.requestedBy,
        ...(requester?.name ? { requestedByName: requester.name } : row.run.requestedByName ? { requestedByName: row.run.requestedByName } : {}),
        ...(row.run.slackChannel ? { slack: { channel: row.run.slackChannel, ...(row.run.slackTeamId ? { teamId: row.run.slackTeamId } : {}) } } : {}),
        options: { ...(options.review === undefined ? {} : { review: options.review }) },
      },
      false,
    );
    if (started.duplicate || !started.runId) return { outcome: "nothing-to-do" };
    if (!(await epicStore.chainRun(runEpicId, started.runId))) {
      // Another click or process chained first; this run was recorded but never enqueued.
      await store.failRun(started.runId, "not started: the epic's stories were already handed to another run");
      const current = await epicStore.loadRunEpic(runEpicId);
      return { outcome: "already-started", runId: current?.chainedRunId ?? null };
    }
    await epicProcessor.emitEpic(runEpicId);
    for (const observer of chainObservers) await observer(started.runId, row.runId);
    await queue.sendResolve(started.runId);
    return { outcome: "started", runId: started.runId };
  }
  const chainObservers = new Set<(runId: string, fromRunId: string) => Promise<void>>();


  /**
   * A person asked to stop a run that has no story yet (its references are being read): it ends
   * FAILED with the reason, before any story is read. False when it was resolved meanwhile.
   */
  async function stopQueuedRun(runId: string): Promise<boolean> {
    if (!(await store.failRun(runId, STOPPED_REASON))) return false;
    const progress = await store.loadRunProgress(runId);
    if (progress) events.runCompleted(progress.run, progress.stories);
    return true;
  }

  /**
   * A person asked to stop a story (Linear's stop signal). One waiting for review ends SKIPPED at
   * once; one being worked on halts at its job's next safe point, creating nothing more.
   */
  async function stopStory(runStoryId: string): Promise<"stopped" | "stopping" | "already-finished"> {
    const row = await store.loadRunStory(runStoryId);
    if (!row) return "already-finished";
    if (row.reviewState === "AWAITING" && (await store.stopInReview(runStoryId, STOPPED_REASON, row.startedAt ? Date.now() - row.startedAt.getTime() : 0))) {
      await processor.emitStory(runStoryId);
      await processor.finishRun(row.runId);
      return "stopped";
    }
    return (await store.requestStop(runStoryId)) ? "stopping" : "already-finished";
  }

  /** Re-enqueues work a crash may have dropped; duplicates are impossible (deterministic ids). */
  async function sweep(): Promise<void> {
    for (const runId of await store.queuedRunsOlderThan(30_000)) await queue.sendResolve(runId);
    for (const story of await store.openStoriesOlderThan(20 * 60_000)) {
      if (story.jobId) await queue.sendStory(story.id, story.jobId);
    }
    for (const epic of await epicStore.openEpicsOlderThan(20 * 60_000)) {
      if (epic.jobId) await queue.sendEpic(epic.id, epic.jobId);
    }
    // Finishing is guarded (exactly once), so a run another process is finishing right now is safe here.
    for (const runId of await store.runsLeftOpen()) await processor.finishRun(runId);
    for (const runId of await epicStore.runsLeftOpen()) await epicProcessor.finishRun(runId);
    // A finished run whose Slack message never showed it (the process that finished it died
    // first) is announced again, so the observers that report it do.
    for (const runId of await store.unreportedRunsOlderThan(15_000)) {
      const progress = await store.loadRunProgress(runId);
      if (progress) events.runCompleted(progress.run, progress.stories);
    }
  }

  async function start(): Promise<void> {
    // Prisma loads its query compiler (WebAssembly) on the first query otherwise: ~100 ms that
    // the first run after a start would wait for, between its resolve job and its first story.
    await deps.prisma.$connect();
    await queue.start();
    if (deps.work !== false) {
      await queue.work<ResolveJob>(RESOLVE_QUEUE, 1, (job) => resolver.resolveRun(job.data.runId));
      await queue.work<StoryJob>(STORY_QUEUE, deps.concurrency * STORY_WORKERS_PER_SLOT, (job) => processor.processStory(job));
      await queue.work<StoryJob>(STORY_DEAD_QUEUE, 1, (job) => processor.processDeadStory(job));
      await queue.work<EpicJob>(EPIC_QUEUE, Math.max(1, Math.min(deps.concurrency, 2)), (job) => epicProcessor.processEpic(job));
      await queue.work<EpicJob>(EPIC_DEAD_QUEUE, 1, (job) => epicProcessor.processDeadEpic(job));
    }
    const interval = deps.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      sweeper = setInterval(() => void sweep().catch((error) => logger.warn({ err: error }, "sweep failed")), interval);
      sweeper.unref();
    }
  }

  async function stop(options: { graceful?: boolean } = {}): Promise<void> {
    if (sweeper) clearInterval(sweeper);
    await queue.stop(options);
    await events.idle();
  }

  return {
    startRun,
    createRun,
    enqueueRun,
    decideReview,
    refineReview,
    decideEpicReview,
    refineEpicReview,
    chainSubtasks,
    /** Called when a chained subtasks run is recorded, before it is enqueued (the Slack surface posts its message). */
    onChainedRun: (observer: (runId: string, fromRunId: string) => Promise<void>) => {
      chainObservers.add(observer);
      return () => chainObservers.delete(observer);
    },
    loadEpicProgress: (runEpicId: string): Promise<EpicProgress | null> => epicStore.loadEpicProgress(runEpicId),
    loadEpicsOfRun: (runId: string): Promise<EpicProgress[]> => epicStore.loadEpicsOfRun(runId),
    stopStory,
    stopQueuedRun,
    start,
    stop,
    sweep,
    observe: (observer: RunObserver) => events.subscribe(observer),
    /** Resolves when every observer call made so far has settled. */
    idle: () => events.idle(),
    /** This UTC day's and month's spend against the limits; null without limits. */
    spendUsage: (): Promise<SpendUsage | null> => (spend ? spend.usage() : Promise.resolve(null)),
    loadRunProgress: (runId: string): Promise<RunProgress | null> => store.loadRunProgress(runId),
    listRuns: (filter?: Parameters<RunStore["listRuns"]>[0]): Promise<RunSummary[]> => store.listRuns(filter),
    setRunThread: (runId: string, channel: string, threadTs: string) => store.setRunThread(runId, channel, threadTs),
    setStoryReply: (runStoryId: string, ts: string) => store.setStoryReply(runStoryId, ts),
    /** The run's final state is shown in its Slack message (see sweep). */
    markReported: (runId: string) => store.markReported(runId),
    setEpicReply: (runEpicId: string, ts: string) => epicStore.setEpicReply(runEpicId, ts),
    recordDelivery: (provider: "LINEAR" | "JIRA", deliveryId: string, event: string, runId: string | null) =>
      store.recordDelivery(provider, deliveryId, event, runId),
    agentSessionRun: (sessionId: string) => store.agentSessionRun(sessionId),
    agentSessionOf: (runId: string) => store.agentSessionOf(runId),
    setAgentSession: (runId: string, sessionId: string, organizationId: string | null) => store.setAgentSession(runId, sessionId, organizationId),
  };
}

export type RunService = ReturnType<typeof createRunService>;
