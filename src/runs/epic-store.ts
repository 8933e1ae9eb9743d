// The run store's door for stories runs (GENERATE_STORIES): their epics' rows and the stories
// they make. Same rules as runs/store.ts: every status change is a guarded update (expected
// states, and the holding job), written once in moveEpic, so a duplicate job or a second process
// never performs a step twice.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { RunEpicStatus } from "../generated/prisma/enums.ts";
import { trackerRegistry } from "../trackers/registry.ts";
import type { TrackerEpic, TrackerRef } from "../trackers/types.ts";
import type { WrittenStory } from "../sync/write-stories.ts";
import { guardedWhere, type Guard } from "./guarded-update.ts";
import { toEpicProgress } from "./progress.ts";
import { parseRunOptions } from "./run-options.ts";
import type { EpicProgress } from "./types.ts";
import { firstEpicJobId } from "./queue.ts";
import { isUniqueViolation } from "./store.ts";
import { redactNothing, type Redact } from "../log/redact.ts";

export type RunEpicRow = Prisma.RunEpicGetPayload<{ include: { epic: true; run: true } }>;

/** An epic still has work ahead in a stories run. */
export const OPEN_EPIC_STATES = ["PENDING", "GENERATING", "SAVING"] as const satisfies readonly RunEpicStatus[];
/** An epic is done with in its stories run. */
export const FINAL_EPIC_STATES = ["COMPLETED", "FAILED", "SKIPPED"] as const satisfies readonly RunEpicStatus[];

export function isOpenEpic(status: RunEpicStatus): boolean {
  return (OPEN_EPIC_STATES as readonly RunEpicStatus[]).includes(status);
}

type EpicGuard = Guard<RunEpicStatus>;

type EpicChange = Omit<Prisma.RunEpicUpdateManyMutationInput, "status"> & { readonly status?: RunEpicStatus };

export interface ResolvedEpic {
  readonly ref: TrackerRef;
  readonly epic: TrackerEpic;
}

export interface EpicJobRef {
  readonly runEpicId: string;
  readonly jobId: string;
}

export class EpicRunStore {
  private readonly prisma: PrismaClient;
  /** Every error kept on an epic or run goes through it: a provider's message may quote a credential. */
  private readonly redact: Redact;

  constructor(prisma: PrismaClient, redact: Redact = redactNothing) {
    this.prisma = prisma;
    this.redact = redact;
  }

  /**
   * Mirrors the epics as Epic rows, creates one RunEpic per epic (closed ones SKIPPED at once),
   * and moves the run QUEUED → RUNNING, in one transaction. Null when another job resolved it.
   */
  async recordRunEpics(runId: string, epics: readonly ResolvedEpic[], problems: readonly string[], instructions: readonly string[]): Promise<EpicJobRef[] | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.run.updateMany({
        where: { id: runId, status: "QUEUED" },
        data: { status: "RUNNING", epicsTotal: epics.length, startedAt: new Date(), errorMsg: problems.length > 0 ? this.redact(problems.join("; ")) : null },
      });
      if (count !== 1) return null;
      const jobs: EpicJobRef[] = [];
      for (const { ref, epic } of epics) {
        const kind = trackerRegistry[ref.tracker].kind;
        const row = await tx.epic.upsert({
          where: { tracker_trackerId: { tracker: kind, trackerId: epic.id } },
          create: { tracker: kind, trackerId: epic.id, key: epic.key, title: epic.title, url: epic.url },
          update: { key: epic.key, title: epic.title, url: epic.url },
        });
        const jobId = firstEpicJobId(runId, row.id);
        const created = await tx.runEpic.upsert({
          where: { runId_epicId: { runId, epicId: row.id } },
          create: {
            runId,
            epicId: row.id,
            storiesFound: epic.stories.length,
            ref: { ...ref },
            instructions: [...instructions],
            jobId,
            ...(epic.closed ? { status: "SKIPPED", errorMsg: `skipped: ${epic.key} is closed; closed epics get no new stories`, completedAt: new Date(), durationMs: 0 } : {}),
          },
          update: {},
        });
        if (!epic.closed) jobs.push({ runEpicId: created.id, jobId });
      }
      return jobs;
    });
  }

  /** Epics of a resolved stories run still waiting for their first job. */
  async unstartedEpicJobs(runId: string): Promise<EpicJobRef[]> {
    const rows = await this.prisma.runEpic.findMany({ where: { runId, status: "PENDING", reviewState: null, jobId: { not: null } }, select: { id: true, jobId: true } });
    return rows.map((row) => ({ runEpicId: row.id, jobId: row.jobId! }));
  }

  loadRunEpic(runEpicId: string): Promise<RunEpicRow | null> {
    return this.prisma.runEpic.findUnique({ where: { id: runEpicId }, include: { epic: true, run: true } });
  }

  async setEpicReply(runEpicId: string, replyTs: string): Promise<void> {
    await this.prisma.runEpic.update({ where: { id: runEpicId }, data: { slackReplyTs: replyTs } });
  }

  /** The one guarded update every epic status change of a stories run goes through. */
  private async moveEpic(guard: EpicGuard, change: EpicChange): Promise<boolean> {
    const { count } = await this.prisma.runEpic.updateMany({ where: guardedWhere(guard), data: change });
    return count === 1;
  }

  /**
   * PENDING → GENERATING for the job the epic was handed to (not while it waits for review), or
   * PENDING (approved in review) → SAVING, unless another stories run is working on the same
   * epic: then → SKIPPED with the reason. The partial unique index
   * RunEpic_one_active_stories_run_per_epic makes the check and the claim one atomic step.
   */
  async claimEpic(row: Pick<RunEpicRow, "id" | "epicId" | "epic">, jobId: string, startedAt: Date, approved: boolean): Promise<"claimed" | "skipped" | "lost"> {
    try {
      const claimed = approved
        ? await this.moveEpic({ id: row.id, from: ["PENDING"], jobId, reviewState: "APPROVED" }, { status: "SAVING", startedAt, errorMsg: null })
        : await this.moveEpic({ id: row.id, from: ["PENDING"], jobId, reviewState: null }, { status: "GENERATING", startedAt, errorMsg: null });
      return claimed ? "claimed" : "lost";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const busy = await this.prisma.runEpic.findFirst({
      where: { epicId: row.epicId, id: { not: row.id }, OR: [{ status: { in: ["GENERATING", "SAVING"] } }, { reviewState: "AWAITING" }] },
      select: { runId: true, reviewState: true },
    });
    const doing = busy?.reviewState === "AWAITING" ? "has stories waiting for review in" : "is getting stories from";
    const skipped = await this.moveEpic(
      { id: row.id, from: ["PENDING"] },
      { status: "SKIPPED", errorMsg: `skipped: ${row.epic.key} ${doing} run ${busy?.runId ?? "another run"}`, completedAt: new Date(), durationMs: 0 },
    );
    return skipped ? "skipped" : "lost";
  }

  skipEpic(runEpicId: string, jobId: string, reason: string, durationMs: number): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["GENERATING"], jobId }, { status: "SKIPPED", errorMsg: reason, completedAt: new Date(), durationMs });
  }

  completeDryRun(runEpicId: string, jobId: string, proposal: object, tokensUsed: number, durationMs: number): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["GENERATING"], jobId }, { status: "COMPLETED", proposal, tokensUsed, completedAt: new Date(), durationMs });
  }

  awaitReview(runEpicId: string, jobId: string, proposal: object, tokensUsed: number): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["GENERATING"], jobId }, { status: "PENDING", reviewState: "AWAITING", proposal, tokensUsed });
  }

  startSaving(runEpicId: string, jobId: string, proposal: object, tokensUsed: number): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["GENERATING"], jobId }, { status: "SAVING", proposal, tokensUsed });
  }

  /**
   * Mirrors the stories this run made in the epic as Story rows (code S<n>, the epic, and the
   * generation metadata of the run that made them). Idempotent: a resumed job updates them.
   */
  async recordStories(epicId: string, runId: string, stories: readonly WrittenStory[], meta: { model: string; tokensUsed: number }): Promise<void> {
    const epic = await this.prisma.epic.findUniqueOrThrow({ where: { id: epicId }, select: { tracker: true } });
    const tokensEach = stories.length > 0 ? Math.round(meta.tokensUsed / stories.length) : 0;
    await this.prisma.$transaction(async (tx) => {
      for (const story of stories) {
        // A code an older, deleted story of the epic still holds is released first.
        await tx.story.updateMany({ where: { epicId, code: story.code, NOT: { trackerId: story.id } }, data: { code: null } });
        const data = { key: story.key, title: story.title, url: story.url, epicId, code: story.code, generatedAt: new Date(), generationRunId: runId, generationModel: meta.model, generationTokens: tokensEach };
        await tx.story.upsert({ where: { tracker_trackerId: { tracker: epic.tracker, trackerId: story.id } }, create: { tracker: epic.tracker, trackerId: story.id, ...data }, update: data });
      }
    });
  }

  /** SAVING → COMPLETED for the holding job. */
  completeEpic(runEpicId: string, jobId: string, result: { storiesCreated: number; storiesDeleted: number; proposal: object; durationMs: number }): Promise<boolean> {
    return this.moveEpic(
      { id: runEpicId, from: ["SAVING"], jobId },
      { status: "COMPLETED", storiesDone: result.storiesCreated, storiesCreated: result.storiesCreated, storiesDeleted: { increment: result.storiesDeleted }, proposal: result.proposal, completedAt: new Date(), durationMs: result.durationMs, errorMsg: null },
    );
  }

  /** Keeps what a partial write-back did (deleted stories), so the totals stay true across retries. */
  async countDeletedStories(runEpicId: string, deleted: number): Promise<void> {
    if (deleted > 0) await this.prisma.runEpic.update({ where: { id: runEpicId }, data: { storiesDeleted: { increment: deleted } } });
  }

  handOver(runEpicId: string, fromJobId: string, toJobId: string, errorMsg: string): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: OPEN_EPIC_STATES, jobId: fromJobId }, { jobId: toJobId, retryCount: { increment: 1 }, errorMsg: this.redact(errorMsg) });
  }

  failEpic(runEpicId: string, jobId: string | null, errorMsg: string, durationMs: number): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: OPEN_EPIC_STATES, ...(jobId ? { jobId } : {}) }, { status: "FAILED", errorMsg: this.redact(errorMsg), completedAt: new Date(), durationMs });
  }

  // ── Review decisions (only the first click finds the epic awaiting) ─────────────────────

  approveReview(runEpicId: string, jobId: string): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["PENDING"], reviewState: "AWAITING" }, { reviewState: "APPROVED", jobId });
  }

  reopenReview(runEpicId: string, jobId: string): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["PENDING"], reviewState: "AWAITING" }, { reviewState: null, jobId });
  }

  refineReview(runEpicId: string, jobId: string, instruction: string): Promise<boolean> {
    return this.moveEpic({ id: runEpicId, from: ["PENDING"], reviewState: "AWAITING" }, { reviewState: null, jobId, instructions: { push: instruction } });
  }

  discardReview(runEpicId: string, durationMs: number): Promise<boolean> {
    return this.moveEpic(
      { id: runEpicId, from: ["PENDING"], reviewState: "AWAITING" },
      { status: "SKIPPED", reviewState: "DISCARDED", errorMsg: "discarded in review", completedAt: new Date(), durationMs },
    );
  }

  /** Records the subtasks run chained on this epic's stories; false when one was started already. */
  async chainRun(runEpicId: string, runId: string): Promise<boolean> {
    const { count } = await this.prisma.runEpic.updateMany({ where: { id: runEpicId, status: "COMPLETED", chainedRunId: null }, data: { chainedRunId: runId } });
    return count === 1;
  }

  /** The stories this run made in the epic (for the chained subtasks run), in code order. */
  async storiesMadeBy(runId: string, epicId: string): Promise<{ key: string; code: string | null; url: string | null }[]> {
    const stories = await this.prisma.story.findMany({ where: { epicId, generationRunId: runId }, select: { key: true, code: true, url: true } });
    return stories.sort((a, b) => (Number(a.code?.slice(1)) || 0) - (Number(b.code?.slice(1)) || 0));
  }

  /** Stories runs still RUNNING whose epics are all final: a process died before it finished the run. */
  async runsLeftOpen(): Promise<string[]> {
    const rows = await this.prisma.run.findMany({
      where: { type: "GENERATE_STORIES", status: "RUNNING", runEpics: { some: {}, none: { status: { notIn: [...FINAL_EPIC_STATES] } } } },
      select: { id: true },
      take: 500,
    });
    return rows.map((row) => row.id);
  }

  /** Epics left open in running stories runs, for re-enqueueing (jobs are deduplicated by id). */
  openEpicsOlderThan(ms: number): Promise<{ id: string; jobId: string | null }[]> {
    return this.prisma.runEpic.findMany({
      where: { status: { in: ["GENERATING", "SAVING"] }, updatedAt: { lt: new Date(Date.now() - ms) }, run: { type: "GENERATE_STORIES", status: "RUNNING" } },
      select: { id: true, jobId: true },
      take: 100,
    });
  }

  /**
   * Marks a stories run finished when its last epic is final, with its totals; exactly once
   * (the guard: RUNNING and no epic left open, or waiting for review).
   */
  async completeRunIfDone(runId: string): Promise<boolean> {
    const finished = await this.prisma.$executeRaw`
      WITH totals AS (
        SELECT
          count(*)::int AS total,
          count(*) FILTER (WHERE re.status = 'COMPLETED')::int AS done,
          count(*) FILTER (WHERE re.status = 'FAILED')::int AS failed,
          count(*) FILTER (WHERE re.status = 'SKIPPED')::int AS skipped,
          coalesce(sum(re."storiesCreated"), 0)::int AS created,
          coalesce(sum(re."storiesDeleted"), 0)::int AS deleted,
          coalesce(sum(re."tokensUsed"), 0)::int AS tokens,
          coalesce(sum((re.proposal ->> 'costUsd')::numeric), 0) AS cost
        FROM "RunEpic" re WHERE re."runId" = ${runId}
      )
      UPDATE "Run" r SET
        status = (CASE WHEN t.failed = 0 THEN 'COMPLETED' WHEN t.done = 0 THEN 'FAILED' ELSE 'PARTIAL' END)::"RunStatus",
        "epicsTotal" = t.total, "epicsDone" = t.done, "epicsFailed" = t.failed, "epicsSkipped" = t.skipped,
        "storiesCreated" = t.created, "storiesDeleted" = t.deleted,
        "tokensUsed" = t.tokens, "costUsd" = t.cost,
        "completedAt" = now(),
        "durationMs" = (extract(epoch FROM now() - coalesce(r."startedAt", r."createdAt")) * 1000)::int,
        "updatedAt" = now()
      FROM totals t
      WHERE r.id = ${runId} AND r.status = 'RUNNING' AND r.type = 'GENERATE_STORIES'
        AND NOT EXISTS (
          SELECT 1 FROM "RunEpic" open
          WHERE open."runId" = ${runId} AND open.status <> ALL (${[...FINAL_EPIC_STATES]}::"RunEpicStatus"[])
        )`;
    return finished === 1;
  }

  /** A stories run with its epics, for observers and the CLI. */
  loadStoriesRun(runId: string) {
    return this.prisma.run.findUnique({ where: { id: runId }, include: { runEpics: { include: { epic: true }, orderBy: { createdAt: "asc" } } } });
  }

  /** One epic of a stories run as observers see it: the row with its epic and run, and the stories the run made in it. */
  async loadEpicProgress(runEpicId: string): Promise<EpicProgress | null> {
    const row = await this.prisma.runEpic.findUnique({ where: { id: runEpicId }, include: { epic: true, run: { select: { options: true } } } });
    if (!row) return null;
    return toEpicProgress(row, await this.storiesMadeBy(row.runId, row.epicId), parseRunOptions(row.run.options).dryRun === true);
  }

  /** Every epic of a stories run as observers see it, in the order they were added. */
  async loadEpicsOfRun(runId: string): Promise<EpicProgress[]> {
    const run = await this.loadStoriesRun(runId);
    if (!run) return [];
    const dryRun = parseRunOptions(run.options).dryRun === true;
    return Promise.all(run.runEpics.map(async (row) => toEpicProgress(row, await this.storiesMadeBy(runId, row.epicId), dryRun)));
  }
}
