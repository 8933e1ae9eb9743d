// Every read and write the run layer makes, in one place. Status changes are guarded updates
// (`WHERE status IN (expected)`, and the holding job where one holds the story), so a
// duplicate job or a second process can never perform the same step twice.
import type { TrackerName } from "../trackers/types.ts";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../log/logger.ts";
import type { Tracker } from "../trackers/types.ts";
import type { RunEvents } from "./events.ts";
import type { RunQueue } from "./queue.ts";
import type { RunState, RunStoryState } from "./types.ts";

export type RunStoryRow = Prisma.RunStoryGetPayload<{ include: { story: true; run: true } }>;

/** What every queue-job handler of the run layer works with. */
export interface RunWorkDeps {
  readonly prisma: PrismaClient;
  readonly store: RunStore;
  readonly queue: RunQueue;
  readonly events: RunEvents;
  readonly logger: Logger;
  readonly trackers: Partial<Record<TrackerName, Tracker>>;
}

export class RunStore {
  readonly prisma: PrismaClient;
  constructor(prisma: PrismaClient) {
    this.prisma = prisma;
  }

  loadRun(runId: string) {
    return this.prisma.run.findUnique({ where: { id: runId } });
  }

  loadRunStory(runStoryId: string): Promise<RunStoryRow | null> {
    return this.prisma.runStory.findUnique({ where: { id: runStoryId }, include: { story: true, run: true } });
  }

  // Plain SQL: called once per Slack command, on the path that follows its ack.
  async setRunThread(runId: string, channel: string, threadTs: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "Run" SET "slackChannel" = ${channel}, "slackThreadTs" = ${threadTs}, "updatedAt" = now() WHERE id = ${runId}`;
  }

  async setStoryReply(runStoryId: string, replyTs: string): Promise<void> {
    await this.prisma.runStory.update({ where: { id: runStoryId }, data: { slackReplyTs: replyTs } });
  }

  /** QUEUED → FAILED when the run's references could not be resolved at all. */
  async failRun(runId: string, errorMsg: string): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({
      where: { id: runId, status: "QUEUED" },
      data: { status: "FAILED", errorMsg, completedAt: new Date(), startedAt: new Date(), durationMs: 0 },
    });
    return count === 1;
  }

  /**
   * PENDING → GENERATING for the job `jobId`, unless another run is already working on the
   * same story (one active run per story): then PENDING → SKIPPED with the reason. The
   * partial unique index RunStory_one_active_per_story makes the check and the claim one
   * atomic step, even when two processes claim the same story at the same moment.
   */
  async claimStory(runStoryId: string, storyId: string, jobId: string, startedAt: Date): Promise<"claimed" | "skipped" | "lost"> {
    try {
      const claimed = await this.prisma.runStory.updateMany({
        where: {
          id: runStoryId,
          status: "PENDING",
          AND: [
            { OR: [{ reviewState: null }, { reviewState: { not: "AWAITING" } }] },
            // Only the job the story was handed to (or any, before one was recorded).
            { OR: [{ jobId: null }, { jobId }] },
          ],
        },
        data: { status: "GENERATING", jobId, startedAt, errorMsg: null },
      });
      return claimed.count === 1 ? "claimed" : "lost";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const busy = await this.prisma.runStory.findFirst({
      where: {
        storyId,
        id: { not: runStoryId },
        OR: [{ status: { in: ["GENERATING", "SAVING"] } }, { reviewState: "AWAITING" }],
      },
      select: { runId: true, reviewState: true },
    });
    const doing = busy?.reviewState === "AWAITING" ? "waits for review in" : "is being worked on by";
    const skipped = await this.prisma.runStory.updateMany({
      where: { id: runStoryId, status: "PENDING" },
      data: {
        status: "SKIPPED",
        errorMsg: `skipped: this story ${doing} run ${busy?.runId ?? "another run"}`,
        completedAt: new Date(),
        durationMs: 0,
      },
    });
    return skipped.count === 1 ? "skipped" : "lost";
  }

  /** A guarded status change: applies only if the story is in one of `from` and held by `jobId`. */
  async transition(
    runStoryId: string,
    jobId: string,
    from: readonly RunStoryState[],
    to: RunStoryState,
    data: Omit<Prisma.RunStoryUpdateManyMutationInput, "status"> = {},
  ): Promise<boolean> {
    const { count } = await this.prisma.runStory.updateMany({
      where: { id: runStoryId, jobId, status: { in: [...from] } },
      data: { ...data, status: to },
    });
    return count === 1;
  }

  /** SAVING → COMPLETED for the holding job, with the story's generation metadata, in one statement. */
  async completeStory(
    runStoryId: string,
    jobId: string,
    result: { subtasksCreated: number; proposal: object; durationMs: number; model: string; tokensUsed: number },
  ): Promise<boolean> {
    const proposal = JSON.stringify(result.proposal);
    const rows = await this.prisma.$queryRaw<{ completed: number }[]>`
      WITH done AS (
        UPDATE "RunStory" SET status = 'COMPLETED', "subtasksCreated" = ${result.subtasksCreated},
          proposal = ${proposal}::jsonb, "completedAt" = now(), "durationMs" = ${result.durationMs},
          "errorMsg" = NULL, "updatedAt" = now()
        WHERE id = ${runStoryId} AND "jobId" = ${jobId} AND status = 'SAVING'
        RETURNING "storyId", "runId"
      ), meta AS (
        UPDATE "Story" s SET "generatedAt" = now(), "generationRunId" = done."runId",
          "generationModel" = ${result.model}, "generationTokens" = ${result.tokensUsed}, "updatedAt" = now()
        FROM done WHERE s.id = done."storyId"
      )
      SELECT (SELECT count(*) FROM done)::int AS completed`;
    return rows[0]?.completed === 1;
  }

  /** Hands the story to the job that retries it, so that job (and only it) can resume. */
  async handOver(runStoryId: string, fromJobId: string, toJobId: string, errorMsg: string): Promise<boolean> {
    const { count } = await this.prisma.runStory.updateMany({
      where: { id: runStoryId, jobId: fromJobId, status: { in: ["PENDING", "GENERATING", "SAVING"] } },
      data: { jobId: toJobId, retryCount: { increment: 1 }, errorMsg },
    });
    return count === 1;
  }

  /**
   * Marks the run finished when its last story is final: status, totals, completedAt. The
   * guard (`status = RUNNING` and no story left open) makes this happen exactly once, however
   * many workers finish stories at the same moment.
   */
  async completeRunIfDone(runId: string): Promise<boolean> {
    const finished = await this.prisma.$executeRaw`
      WITH totals AS (
        SELECT
          count(*)::int AS total,
          count(*) FILTER (WHERE rs.status = 'COMPLETED')::int AS done,
          count(*) FILTER (WHERE rs.status = 'FAILED')::int AS failed,
          count(*) FILTER (WHERE rs.status = 'SKIPPED')::int AS skipped,
          coalesce(sum(rs."subtasksCreated"), 0)::int AS created,
          coalesce(sum(rs."subtasksDeleted"), 0)::int AS deleted,
          coalesce(sum(rs."tokensUsed"), 0)::int AS tokens,
          coalesce(sum((rs.proposal ->> 'costUsd')::numeric), 0) AS cost
        FROM "RunStory" rs WHERE rs."runId" = ${runId}
      )
      UPDATE "Run" r SET
        status = (CASE
          WHEN t.failed = 0 THEN 'COMPLETED'
          WHEN t.done = 0 THEN 'FAILED'
          ELSE 'PARTIAL' END)::"RunStatus",
        "storiesTotal" = t.total,
        "storiesDone" = t.done,
        "storiesFailed" = t.failed,
        "storiesSkipped" = t.skipped,
        "subtasksCreated" = t.created,
        "subtasksDeleted" = t.deleted,
        "tokensUsed" = t.tokens,
        "costUsd" = t.cost,
        "completedAt" = now(),
        "durationMs" = (extract(epoch FROM now() - coalesce(r."startedAt", r."createdAt")) * 1000)::int,
        "updatedAt" = now()
      FROM totals t
      WHERE r.id = ${runId} AND r.status = 'RUNNING'
        AND NOT EXISTS (
          SELECT 1 FROM "RunStory" open
          WHERE open."runId" = ${runId} AND open.status NOT IN ('COMPLETED', 'FAILED', 'SKIPPED')
        )`;
    if (finished !== 1) return false;
    await this.settleRunEpics(runId);
    return true;
  }

  private async settleRunEpics(runId: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "RunEpic" re SET
        status = (CASE
          WHEN t.failed > 0 AND t.done = 0 THEN 'FAILED'
          WHEN t.done = 0 AND t.failed = 0 THEN 'SKIPPED'
          ELSE 'COMPLETED' END)::"RunEpicStatus",
        "storiesDone" = t.done,
        "storiesFailed" = t.failed,
        "tokensUsed" = t.tokens,
        "completedAt" = now(),
        "durationMs" = (extract(epoch FROM now() - coalesce(re."startedAt", re."createdAt")) * 1000)::int,
        "updatedAt" = now()
      FROM (
        SELECT s."epicId",
          count(*) FILTER (WHERE rs.status = 'COMPLETED')::int AS done,
          count(*) FILTER (WHERE rs.status = 'FAILED')::int AS failed,
          coalesce(sum(rs."tokensUsed"), 0)::int AS tokens
        FROM "RunStory" rs JOIN "Story" s ON s.id = rs."storyId"
        WHERE rs."runId" = ${runId} AND s."epicId" IS NOT NULL
        GROUP BY s."epicId"
      ) t
      WHERE re."runId" = ${runId} AND re."epicId" = t."epicId"`;
  }

  /** Runs whose resolve job may have been lost (crash between insert and enqueue). */
  async queuedRunsOlderThan(ms: number): Promise<string[]> {
    const rows = await this.prisma.run.findMany({
      where: { status: "QUEUED", createdAt: { lt: new Date(Date.now() - ms) } },
      select: { id: true },
      take: 100,
    });
    return rows.map((row) => row.id);
  }

  /** Stories left open in running runs, for re-enqueueing (jobs are deduplicated by id). */
  async openStoriesOlderThan(ms: number) {
    return this.prisma.runStory.findMany({
      where: {
        status: { in: ["PENDING", "GENERATING", "SAVING"] },
        OR: [{ reviewState: null }, { reviewState: "APPROVED" }],
        updatedAt: { lt: new Date(Date.now() - ms) },
        run: { status: "RUNNING" },
      },
      select: { id: true, jobId: true, runId: true },
      take: 500,
    });
  }

  async runStatus(runId: string): Promise<RunState | null> {
    const run = await this.prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
    return run?.status ?? null;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
