// The run layer's public face: start runs, act on reviews, observe progress. Everything the
// Slack surface, the webhooks and the CLI need from runs goes through here; the store, the
// queue and the event fan-out stay inside.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { SubtaskGenerator } from "../generation/types.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../log/logger.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import { RunEvents } from "./events.ts";
import type { FinishLabels } from "./finish-labels.ts";
import { RunIntake } from "./intake.ts";
import type { DiscussionLinks } from "./ports.ts";
import { createStoryProcessor, type StoryProcessorDeps } from "./process-story.ts";
import type { RunProgress } from "./progress.ts";
import { RESOLVE_QUEUE, RunQueue, STORY_DEAD_QUEUE, STORY_QUEUE, type QueueTiming, type ResolveJob, type StoryJob } from "./queue.ts";
import { createRunResolver } from "./resolve-run.ts";
import { RunStore } from "./store.ts";
import type { StoryRetryPolicy } from "./story-retry.ts";
import type { Redact } from "../log/redact.ts";
import type { RunObserver, RunSummary, StartRunInput, StartRunResult } from "./types.ts";

export interface RunServiceDeps {
  readonly prisma: PrismaClient;
  /** Connections of the run intake alone (Database.intakePool), so recording never waits behind runs. */
  readonly intakePool: pg.Pool;
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** Cuts the configured secrets out of every error a run or story records; default: nothing. */
  readonly redact?: Redact;
  readonly trackers: Trackers;
  readonly generator: SubtaskGenerator;
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
  const store = new RunStore(deps.prisma, deps.redact);
  const events = new RunEvents(logger);
  const queue = deps.queue ?? new RunQueue({ databaseUrl: deps.databaseUrl, logger, ...(deps.queueTiming ? { timing: deps.queueTiming } : {}) });
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
  });
  const resolver = createRunResolver({ store, queue, events, logger, trackers: deps.trackers, epicStoryLimit: deps.epicStoryLimit ?? 50 });
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

  /** Re-enqueues work a crash may have dropped; duplicates are impossible (deterministic ids). */
  async function sweep(): Promise<void> {
    for (const runId of await store.queuedRunsOlderThan(30_000)) await queue.sendResolve(runId);
    for (const story of await store.openStoriesOlderThan(20 * 60_000)) {
      if (story.jobId) await queue.sendStory(story.id, story.jobId);
    }
    // Finishing is guarded (exactly once), so a run another process is finishing right now is safe here.
    for (const runId of await store.runsLeftOpen()) await processor.finishRun(runId);
  }

  async function start(): Promise<void> {
    await queue.start();
    if (deps.work !== false) {
      await queue.work<ResolveJob>(RESOLVE_QUEUE, 1, (job) => resolver.resolveRun(job.data.runId));
      await queue.work<StoryJob>(STORY_QUEUE, deps.concurrency, (job) => processor.processStory(job));
      await queue.work<StoryJob>(STORY_DEAD_QUEUE, 1, (job) => processor.processDeadStory(job));
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
    start,
    stop,
    sweep,
    observe: (observer: RunObserver) => events.subscribe(observer),
    /** Resolves when every observer call made so far has settled. */
    idle: () => events.idle(),
    loadRunProgress: (runId: string): Promise<RunProgress | null> => store.loadRunProgress(runId),
    listRuns: (filter?: Parameters<RunStore["listRuns"]>[0]): Promise<RunSummary[]> => store.listRuns(filter),
    setRunThread: (runId: string, channel: string, threadTs: string) => store.setRunThread(runId, channel, threadTs),
    setStoryReply: (runStoryId: string, ts: string) => store.setStoryReply(runStoryId, ts),
  };
}

export type RunService = ReturnType<typeof createRunService>;
