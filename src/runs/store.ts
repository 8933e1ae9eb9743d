// The run layer's only door to the database: every read and write of runs, their stories and
// their subtasks is a method here, named after what it does. Status changes are guarded updates
// (`WHERE status IN (expected)`, and the holding job where one holds the story), built from one
// Guard (guarded-update.ts): in moveStory through Prisma, and in plain SQL for the claim, the move
// to SAVING and the completion. So a duplicate job or a second process can never perform the
// same step twice.
import type pg from "pg";
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import type { ReviewState } from "../generated/prisma/enums.ts";
import type { SubtaskLinkRow, SubtaskLinkRows } from "../sync/subtask-links.ts";
import type { LinkedSubtask, NewSubtaskRow, SubtaskRow, SubtaskRows } from "../sync/subtask-rows.ts";
import type { TrackerItemSummary, TrackerKind, TrackerStory } from "../trackers/types.ts";
import { toSnapshot } from "./story-snapshot.ts";
import { toRunSummary, toStoryProgress, type RunProgress, type RunStoryWithStory } from "./progress.ts";
import { newId } from "../db/new-id.ts";
import { execute, nestedColumns, queryNestedRows, queryRows, sql, timestamp } from "../db/plain-sql.ts";
import { guardedSql, guardedWhere, type Guard } from "./guarded-update.ts";
import { recordRunStories as recordStories } from "./record-stories.ts";
import { FINAL_RUN_STATES, FINAL_STORY_STATES, OPEN_STORY_STATES, type RunState, type RunStoryState } from "./states.ts";
import type { Expansion, TrackerRef } from "../trackers/types.ts";
import type { RunSummary, RunTriggerKind, StoryProgress } from "./types.ts";
import { redactNothing, type Redact } from "../log/redact.ts";

export type RunRow = Prisma.RunGetPayload<object>;

/** What a story's job reads of its run. */
const RUN_FIELDS_OF_A_STORY = ["id", "trigger", "requestedBy", "options", "slackChannel", "slackThreadTs"] as const;

/** A run's story as its job works on it: the row, its story's mirror, and what it needs of the run. */
export type RunStoryRow = Prisma.RunStoryGetPayload<{ include: { story: true } }> & { readonly run: Pick<RunRow, (typeof RUN_FIELDS_OF_A_STORY)[number]> };

/**
 * What a claim of a waiting story came to: claimed, with whether a person has asked to stop it
 * (a stop asked for before the claim); skipped, because another run is working on the story;
 * or lost to another job.
 */
export type StoryClaim = { readonly outcome: "claimed"; readonly stopRequested: boolean } | { readonly outcome: "skipped" } | { readonly outcome: "lost" };

/** Which story rows a guarded update may touch. */
type StoryGuard = Guard<RunStoryState>;

type StoryChange = Omit<Prisma.RunStoryUpdateManyMutationInput, "status"> & { readonly status?: RunStoryState };

/** A reference expanded by its tracker: a plain story, or an epic and its stories. */
export interface ResolvedRef {
  readonly ref: TrackerRef;
  readonly expansion: Expansion;
}

/** A Linear agent session's run and story, for a person's reply in it. */
export interface AgentSessionRun {
  readonly runId: string;
  readonly runStatus: RunState;
  /** null while the run is being resolved. */
  readonly story: { readonly runStoryId: string; readonly status: RunStoryState; readonly reviewState: ReviewState | null } | null;
}

/** The agent session a run reports in, and what the report needs of the run. */
export interface AgentSessionOfRun {
  readonly sessionId: string;
  /** The workspace whose app token speaks in it; null: the only installation. */
  readonly organizationId: string | null;
  readonly trigger: RunTriggerKind;
  readonly slackChannel: string | null;
  readonly slackThreadTs: string | null;
}

/** A story's work item in the queue. */
export interface StoryJobRef {
  readonly runStoryId: string;
  readonly jobId: string;
}

/** A story a run's start recorded, with its first job and the tracker item it stands for. */
export interface RecordedStoryJob extends StoryJobRef {
  readonly tracker: TrackerKind;
  readonly trackerId: string;
}

/** A new run as the intake records it (see intake.ts). */
export interface RunRecord {
  readonly id: string;
  readonly type: string;
  readonly viaDelivery: boolean;
  readonly trigger: string;
  readonly requestedBy: string;
  readonly requestedByName: string | null;
  readonly refs: readonly string[];
  readonly options: object;
  readonly slackTeamId: string | null;
  readonly slackChannel: string | null;
  readonly slackThreadTs: string | null;
  readonly linearAgentSessionId: string | null;
  readonly linearOrganizationId: string | null;
}

export interface DeliveryRecordRow {
  readonly id: string;
  readonly provider: string;
  readonly deliveryId: string;
  readonly event: string | null;
  readonly runId: string;
}

export interface RecordedBatch {
  /** Runs this batch started. */
  readonly won: ReadonlySet<string>;
  /** provider:deliveryId → run, for deliveries of the batch recorded before it. */
  readonly earlier: ReadonlyMap<string, string | null>;
}

/** How a delivery is known across batches: provider + the provider's delivery id. */
export const deliveryKey = (delivery: { provider: string; deliveryId: string }) => `${delivery.provider}:${delivery.deliveryId}`;

export class RunStore implements SubtaskRows, SubtaskLinkRows {
  private readonly prisma: PrismaClient;
  /** The pool behind Prisma, for a story step's hottest statements (db/plain-sql.ts). */
  private readonly pool: pg.Pool;
  /** Every error recorded on a run or story passes here: Slack and tracker comments show them. */
  private readonly redact: Redact;

  constructor(prisma: PrismaClient, pool: pg.Pool, redact: Redact = redactNothing) {
    this.prisma = prisma;
    this.pool = pool;
    this.redact = redact;
  }

  // ── Recording new runs (the intake's two statements, on its own connection) ──────────────

  /**
   * One statement: the deliveries first, and a run only for a delivery recorded now (the first
   * of each provider + delivery id) or for a request that came without one. It also reads the
   * run of every delivery of the batch recorded before the statement began, so a repeat is
   * usually answered without another round trip.
   */
  async recordRuns(client: pg.PoolClient, deliveries: readonly DeliveryRecordRow[], runs: readonly RunRecord[]): Promise<RecordedBatch> {
    // Named, so each connection plans the statement once. All parts of one statement see the
    // same snapshot: `earlier` finds the deliveries committed before it, never its own.
    const { rows } = await client.query<{ runId: string; provider: string | null; deliveryId: string | null }>({
      name: "subtasks-intake-record",
      text: `WITH incoming AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(id text, provider "WebhookProvider", "deliveryId" text, event text, "runId" text)
       ),
       delivered AS (
         INSERT INTO "WebhookDelivery" (id, provider, "deliveryId", event, "runId")
         SELECT d.id, d.provider, d."deliveryId", d.event, d."runId" FROM incoming d
         ON CONFLICT (provider, "deliveryId") DO NOTHING
         RETURNING "runId"
       ),
       started AS (
         INSERT INTO "Run" (id, type, status, trigger, "requestedBy", "requestedByName", refs, options,
           "slackTeamId", "slackChannel", "slackThreadTs", "linearAgentSessionId", "linearOrganizationId", "updatedAt")
         SELECT r.id, r.type::"RunType", 'QUEUED', r.trigger::"RunTrigger", r."requestedBy", r."requestedByName",
           ARRAY(SELECT jsonb_array_elements_text(r.refs)), r.options,
           r."slackTeamId", r."slackChannel", r."slackThreadTs", r."linearAgentSessionId", r."linearOrganizationId", now()
         FROM jsonb_to_recordset($2::jsonb) AS r(id text, type text, "viaDelivery" boolean, trigger text, "requestedBy" text,
           "requestedByName" text, refs jsonb, options jsonb, "slackTeamId" text, "slackChannel" text, "slackThreadTs" text,
           "linearAgentSessionId" text, "linearOrganizationId" text)
         WHERE NOT r."viaDelivery" OR r.id IN (SELECT "runId" FROM delivered)
         -- One run per Linear agent session, even when Linear sends its created event twice
         -- under two delivery ids.
         ON CONFLICT DO NOTHING
         RETURNING id
       )
       SELECT id AS "runId", NULL AS provider, NULL AS "deliveryId" FROM started
       UNION ALL
       SELECT w."runId", w.provider::text, w."deliveryId"
       FROM "WebhookDelivery" w JOIN incoming d ON w.provider = d.provider AND w."deliveryId" = d."deliveryId"`,
      values: [JSON.stringify(deliveries), JSON.stringify(runs)],
    });
    const won = new Set<string>();
    const earlier = new Map<string, string | null>();
    for (const row of rows) {
      if (row.provider === null) won.add(row.runId);
      else earlier.set(deliveryKey({ provider: row.provider, deliveryId: row.deliveryId! }), row.runId);
    }
    return { won, earlier };
  }

  /** The run each delivery started (null: recorded without a run), by deliveryKey. */
  async runsOfDeliveries(client: pg.PoolClient, keys: readonly { provider: string; deliveryId: string }[]): Promise<Map<string, string | null>> {
    const { rows } = await client.query<{ provider: string; deliveryId: string; runId: string | null }>(
      `SELECT w.provider::text AS provider, w."deliveryId", w."runId"
       FROM "WebhookDelivery" w
       JOIN jsonb_to_recordset($1::jsonb) AS k(provider text, "deliveryId" text)
         ON w.provider::text = k.provider AND w."deliveryId" = k."deliveryId"`,
      [JSON.stringify(keys)],
    );
    return new Map(rows.map((row) => [deliveryKey(row), row.runId]));
  }

  /**
   * Records a delivery that starts no run (a person's reply in a Linear agent session). False
   * when it was recorded before: a repeated delivery acts once.
   */
  async recordDelivery(provider: "LINEAR" | "JIRA", deliveryId: string, event: string, runId: string | null): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO "WebhookDelivery" (id, provider, "deliveryId", event, "runId")
      VALUES (${newId()}, ${provider}::"WebhookProvider", ${deliveryId}, ${event}, ${runId})
      ON CONFLICT (provider, "deliveryId") DO NOTHING`;
    return inserted === 1;
  }

  // ── Runs ─────────────────────────────────────────────────────────────────────────────────

  /** The run a Linear agent session drives or reports in, and its (first) story. */
  async agentSessionRun(sessionId: string): Promise<AgentSessionRun | null> {
    const run = await this.prisma.run.findUnique({
      where: { linearAgentSessionId: sessionId },
      select: { id: true, status: true, runStories: { select: { id: true, status: true, reviewState: true }, orderBy: { createdAt: "asc" }, take: 1 } },
    });
    if (!run) return null;
    const story = run.runStories[0];
    return { runId: run.id, runStatus: run.status, story: story ? { runStoryId: story.id, status: story.status, reviewState: story.reviewState } : null };
  }

  /** The agent session a run reports in, with the workspace it belongs to; null: none. */
  async agentSessionOf(runId: string): Promise<AgentSessionOfRun | null> {
    const run = await this.prisma.run.findUnique({
      where: { id: runId },
      select: { linearAgentSessionId: true, linearOrganizationId: true, trigger: true, slackChannel: true, slackThreadTs: true },
    });
    if (!run?.linearAgentSessionId) return null;
    return {
      sessionId: run.linearAgentSessionId,
      organizationId: run.linearOrganizationId,
      trigger: run.trigger,
      slackChannel: run.slackChannel,
      slackThreadTs: run.slackThreadTs,
    };
  }

  /** Attaches a session opened for a run that did not start in one (a label run). False when it has one. */
  async setAgentSession(runId: string, sessionId: string, organizationId: string | null): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({
      where: { id: runId, linearAgentSessionId: null },
      data: { linearAgentSessionId: sessionId, linearOrganizationId: organizationId },
    });
    return count === 1;
  }

  loadRun(runId: string): Promise<RunRow | null> {
    return this.prisma.run.findUnique({ where: { id: runId } });
  }

  async runStatus(runId: string): Promise<RunState | null> {
    const run = await this.prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
    return run?.status ?? null;
  }

  // Plain SQL: called once per Slack command, on the path that follows its ack.
  async setRunThread(runId: string, channel: string, threadTs: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "Run" SET "slackChannel" = ${channel}, "slackThreadTs" = ${threadTs}, "updatedAt" = now() WHERE id = ${runId}`;
  }

  /** QUEUED → FAILED when the run's references could not be resolved at all. */
  async failRun(runId: string, errorMsg: string): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({
      where: { id: runId, status: "QUEUED" },
      data: { status: "FAILED", errorMsg: this.redact(errorMsg), completedAt: new Date(), startedAt: new Date(), durationMs: 0 },
    });
    return count === 1;
  }

  /**
   * Mirrors the resolved items as Epic/Story rows and creates the run's RunEpic and RunStory
   * rows, then moves the run QUEUED → RUNNING, all in one transaction (see record-stories.ts).
   * Null when another job resolved the run first.
   */
  async recordRunStories(
    runId: string,
    resolved: readonly ResolvedRef[],
    problems: readonly string[],
    instructions: readonly string[],
  ): Promise<RecordedStoryJob[] | null> {
    return recordStories(this.pool, runId, resolved, problems.map(this.redact), instructions);
  }

  /** Stories of a resolved run still waiting for their first job (a crash between creating and enqueueing them). */
  async unstartedStoryJobs(runId: string): Promise<StoryJobRef[]> {
    const rows = await this.prisma.runStory.findMany({
      where: { runId, status: "PENDING", reviewState: null, jobId: { not: null } },
      select: { id: true, jobId: true },
    });
    return rows.map((row) => ({ runStoryId: row.id, jobId: row.jobId! }));
  }

  /**
   * Marks the run finished when its last story is final: status, totals, completedAt. The
   * guard (`status = RUNNING` and no story left open) makes this happen exactly once, however
   * many workers finish stories at the same moment. Its epics are settled by the same
   * statement, so nobody reads a finished run with epics still running.
   *
   * One statement, not a transaction of two: every story calls this once it is final, and for
   * all stories but the last it finds one open and changes nothing, so BEGIN and COMMIT were
   * two of its three round trips. The totals are only summed once no story is open.
   *
   * Those other stories stop at a plain look for an open story first: the finishing statement
   * cost the database about 2.5 ms to plan and run each time (measured in the server's log),
   * on the cores the stories at work share, against a fraction of that for the look. The look
   * decides nothing the statement does not check again.
   */
  async completeRunIfDone(runId: string): Promise<boolean> {
    const openStory = sql`SELECT 1 FROM "RunStory" open WHERE open."runId" = ${runId} AND open.status <> ALL (${[...FINAL_STORY_STATES]}::"RunStoryStatus"[])`;
    const [open] = await queryRows<{ yes: boolean }>(this.pool, sql`SELECT EXISTS (${openStory}) AS yes`);
    if (open?.yes) return false;
    const rows = await queryRows<{ finished: number }>(this.pool, sql`
      WITH settled AS (
        SELECT NOT EXISTS (${openStory}) AS yes
      ), totals AS (
        SELECT
          count(*)::int AS total,
          count(*) FILTER (WHERE rs.status = 'COMPLETED')::int AS done,
          count(*) FILTER (WHERE rs.status = 'FAILED')::int AS failed,
          count(*) FILTER (WHERE rs.status = 'SKIPPED')::int AS skipped,
          coalesce(sum(rs."subtasksCreated"), 0)::int AS created,
          coalesce(sum(rs."subtasksDeleted"), 0)::int AS deleted,
          coalesce(sum(rs."tokensUsed"), 0)::int AS tokens,
          coalesce(sum((rs.proposal ->> 'costUsd')::numeric), 0) AS cost
        FROM "RunStory" rs WHERE rs."runId" = ${runId} AND (SELECT yes FROM settled)
      ), finished AS (
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
        WHERE r.id = ${runId} AND r.status = 'RUNNING' AND r.type = 'GENERATE_SUBTASKS' AND (SELECT yes FROM settled)
        RETURNING r.id
      ), epics AS (
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
          WHERE rs."runId" = ${runId} AND s."epicId" IS NOT NULL AND EXISTS (SELECT 1 FROM finished)
          GROUP BY s."epicId"
        ) t
        WHERE re."runId" = ${runId} AND re."epicId" = t."epicId"
      )
      SELECT count(*)::int AS finished FROM finished`);
    return rows[0]?.finished === 1;
  }

  /** The run's final state is shown in its Slack message. */
  async markReported(runId: string): Promise<void> {
    await this.prisma.run.updateMany({ where: { id: runId, reportedAt: null }, data: { reportedAt: new Date() } });
  }

  /**
   * Finished runs with a Slack message that never showed their final state (the process that
   * finished them died first), finished more than `ms` ago and less than a day ago.
   */
  async unreportedRunsOlderThan(ms: number): Promise<string[]> {
    const now = Date.now();
    const rows = await this.prisma.run.findMany({
      where: {
        status: { in: [...FINAL_RUN_STATES] },
        slackThreadTs: { not: null },
        reportedAt: null,
        completedAt: { lt: new Date(now - ms), gt: new Date(now - 24 * 60 * 60_000) },
      },
      select: { id: true },
      take: 100,
    });
    return rows.map((row) => row.id);
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

  // ── Stories ──────────────────────────────────────────────────────────────────────────────

  // On the pool (plain-sql.ts): every story job starts with this read, and a run's first ones all at once.
  async loadRunStory(runStoryId: string): Promise<RunStoryRow | null> {
    const runFields = RUN_FIELDS_OF_A_STORY.map((field) => sql`r.${Prisma.raw(`"${field}"`)}`);
    const [row] = await queryNestedRows<RunStoryRow>(this.pool, sql`
      SELECT rs.*, ${nestedColumns("story")}, s.*, ${nestedColumns("run")}, ${Prisma.join(runFields)}
      FROM "RunStory" rs JOIN "Story" s ON s.id = rs."storyId" JOIN "Run" r ON r.id = rs."runId"
      WHERE rs.id = ${runStoryId}`);
    return row ?? null;
  }

  /** Keeps the mirrored story's key, title and link as the tracker shows them now. */
  async refreshStory(storyId: string, item: Pick<TrackerItemSummary, "key" | "title" | "url">): Promise<void> {
    await this.prisma.story.update({ where: { id: storyId }, data: { title: item.title, url: item.url, key: item.key } });
  }

  /** Keeps what a batch read at resolve saw of these stories (one statement for all). */
  async saveStorySnapshots(kind: TrackerKind, stories: readonly TrackerStory[]): Promise<void> {
    if (stories.length === 0) return;
    const ids = stories.map((story) => story.id);
    const snapshots = stories.map((story) => JSON.stringify(toSnapshot(story)));
    // On the pool (plain-sql.ts): a run's stories start as their batch's snapshots are saved.
    await execute(this.pool, sql`
      UPDATE "Story" AS s SET "snapshot" = v.snapshot, "snapshotAt" = now()
      FROM unnest(${ids}::text[], ${snapshots}::jsonb[]) AS v(id, snapshot)
      WHERE s.tracker = ${kind}::"TrackerKind" AND s."trackerId" = v.id`);
  }

  /**
   * Up to `limit` stories of the run's `kind` tracker still waiting (PENDING), other than
   * `exceptStoryId`, whose snapshot is missing or older than `staleBefore`, in the run's order:
   * the ones to read again together with a story whose snapshot went stale.
   */
  async staleWaitingStories(runId: string, kind: TrackerKind, staleBefore: Date, limit: number, exceptStoryId: string): Promise<TrackerItemSummary[]> {
    const rows = await this.prisma.runStory.findMany({
      where: {
        runId,
        status: "PENDING",
        storyId: { not: exceptStoryId },
        story: { tracker: kind, OR: [{ snapshotAt: null }, { snapshotAt: { lt: staleBefore } }] },
      },
      select: { story: { select: { trackerId: true, key: true, title: true, url: true } } },
      orderBy: { createdAt: "asc" },
      take: limit,
    });
    return rows.map(({ story }) => ({ id: story.trackerId, key: story.key, title: story.title, url: story.url ?? "" }));
  }

  /** The stories of an epic (id, title), in code order, at most `limit`. On the pool (plain-sql.ts): a run's first stories wait for it. */
  epicStories(epicId: string, limit: number): Promise<{ id: string; title: string }[]> {
    return queryRows(this.pool, sql`SELECT id, title FROM "Story" WHERE "epicId" = ${epicId} ORDER BY code LIMIT ${limit}`);
  }

  async setStoryReply(runStoryId: string, replyTs: string): Promise<void> {
    await this.prisma.runStory.update({ where: { id: runStoryId }, data: { slackReplyTs: replyTs } });
  }

  /** The one guarded update every story status change goes through but three, the claim, the move to saving and the completion, which build the same guard in plain SQL (guardedSql). */
  private async moveStory(guard: StoryGuard, change: StoryChange, also: Prisma.RunStoryWhereInput = {}): Promise<boolean> {
    const { count } = await this.prisma.runStory.updateMany({ where: { ...guardedWhere(guard), ...also }, data: change });
    return count === 1;
  }

  /**
   * PENDING → GENERATING for the job `jobId`, unless another run is already working on the
   * same story (one active run per story): then PENDING → SKIPPED with the reason. The
   * partial unique index RunStory_one_active_per_story makes the check and the claim one
   * atomic step, even when two processes claim the same story at the same moment.
   */
  async claimStory(runStoryId: string, storyId: string, jobId: string, startedAt: Date): Promise<StoryClaim> {
    try {
      // On the pool (plain-sql.ts): the claim is the one statement between a free slot and the
      // model call. It also says whether a person asked to stop the story, as it stands now.
      const claimed = await queryRows<{ stopRequested: boolean }>(this.pool, sql`
        UPDATE "RunStory" SET status = 'GENERATING', "jobId" = ${jobId}, "startedAt" = ${timestamp(startedAt)},
          "errorMsg" = NULL, "updatedAt" = now()
        WHERE ${guardedSql<RunStoryState>({ id: runStoryId, from: ["PENDING"] })}
          AND ("reviewState" IS NULL OR "reviewState" <> 'AWAITING')
          -- Only the job the story was handed to (or any, before one was recorded).
          AND ("jobId" IS NULL OR "jobId" = ${jobId})
        RETURNING "stopRequestedAt" IS NOT NULL AS "stopRequested"`);
      return claimed[0] ? { outcome: "claimed", stopRequested: claimed[0].stopRequested } : { outcome: "lost" };
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
    const skipped = await this.moveStory(
      { id: runStoryId, from: ["PENDING"] },
      { status: "SKIPPED", errorMsg: `skipped: this story ${doing} run ${busy?.runId ?? "another run"}`, completedAt: new Date(), durationMs: 0 },
    );
    return skipped ? { outcome: "skipped" } : { outcome: "lost" };
  }

  /** PENDING (approved in review) → SAVING for the job `jobId`: the proposal is saved as it was shown. */
  claimApprovedStory(runStoryId: string, jobId: string, startedAt: Date): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: ["PENDING"], reviewState: "APPROVED" }, { status: "SAVING", jobId, startedAt });
  }

  /**
   * GENERATING → SKIPPED: there is nothing to break down (a closed story), or the model found no
   * breakdown needed in a run that writes nothing (a dry run; then the proposal says why).
   */
  skipStory(runStoryId: string, jobId: string, reason: string, durationMs: number, proposal?: { proposal: object; tokensUsed: number }): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: ["GENERATING"], jobId },
      { status: "SKIPPED", errorMsg: reason, completedAt: new Date(), durationMs, ...(proposal ?? {}) },
    );
  }

  /** SAVING → SKIPPED once the story's "no breakdown needed" comment is posted. */
  finishWithoutBreakdown(runStoryId: string, jobId: string, reason: string, proposal: object, durationMs: number): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: ["SAVING"], jobId },
      { status: "SKIPPED", errorMsg: reason, proposal, completedAt: new Date(), durationMs },
    );
  }

  /** GENERATING → COMPLETED for a dry run: the proposal is the result; nothing is created. */
  completeDryRun(runStoryId: string, jobId: string, proposal: object, tokensUsed: number, durationMs: number): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: ["GENERATING"], jobId },
      { status: "COMPLETED", proposal, tokensUsed, completedAt: new Date(), durationMs },
    );
  }

  /** GENERATING → PENDING, awaiting a person's decision on the proposal. */
  awaitReview(runStoryId: string, jobId: string, proposal: object, tokensUsed: number): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: ["GENERATING"], jobId }, { status: "PENDING", reviewState: "AWAITING", proposal, tokensUsed });
  }

  /**
   * GENERATING → SAVING with the proposal to write back, unless a person asked to stop the story:
   * the check and the move are one statement, so nothing is written to the tracker after a stop
   * this move did not see. False for a stop too; stopRequested tells the two apart.
   */
  async startSaving(runStoryId: string, jobId: string, proposal: object, tokensUsed: number): Promise<boolean> {
    // On the pool (plain-sql.ts), as the claim: one of the few statements a story holds its slot for.
    return (await execute(this.pool, moveToSaving(runStoryId, jobId, proposal, tokensUsed))) === 1;
  }

  /**
   * startSaving and saveSubtaskRows in one statement, for a story whose write-back deletes no
   * earlier sub-issue first: then the rows it would save are known before it starts (see
   * sync/write-back.ts, rowsToSaveAtOnce). The rows are saved only if the story moved. Null when
   * it did not move (another job holds it, or a person asked to stop it).
   */
  async startSavingWithRows(
    runStoryId: string,
    jobId: string,
    proposal: object,
    tokensUsed: number,
    save: { readonly storyId: string; readonly runId: string; readonly keptTrackerIds: readonly string[]; readonly rows: readonly NewSubtaskRow[] },
  ): Promise<SubtaskRow[] | null> {
    const [result] = await queryRows<{ moved: number; stored: SubtaskRow[] }>(this.pool, sql`
      WITH moved AS (${moveToSaving(runStoryId, jobId, proposal, tokensUsed)} RETURNING 1),
      ${subtaskRowsSaved(save.storyId, save.runId, save.keptTrackerIds, save.rows, sql`EXISTS (SELECT 1 FROM moved)`)}
      SELECT (SELECT count(*) FROM moved)::int AS moved, coalesce((SELECT json_agg(inserted) FROM inserted), '[]') AS stored`);
    if (result?.moved !== 1) return null;
    return this.storedRows(save.storyId, save.rows, result.stored);
  }

  /** Counts earlier sub-issues this story's write-back deleted. */
  async countDeletedSubtasks(runStoryId: string, deleted: number): Promise<void> {
    await this.prisma.runStory.update({ where: { id: runStoryId }, data: { subtasksDeleted: { increment: deleted } } });
  }

  /**
   * SAVING → COMPLETED for the holding job, with the story's generation metadata and the
   * dependency links its write-back made (WriteBackResult.linked), in one statement.
   */
  async completeStory(
    runStoryId: string,
    jobId: string,
    result: {
      subtasksCreated: number;
      proposal: object;
      durationMs: number;
      model: string;
      tokensUsed: number;
      links: readonly SubtaskLinkRow[];
      subIssues: readonly LinkedSubtask[];
    },
  ): Promise<boolean> {
    const proposal = JSON.stringify(result.proposal);
    const rows = await queryRows<{ completed: number }>(this.pool, sql`
      WITH done AS (
        UPDATE "RunStory" SET status = 'COMPLETED', "subtasksCreated" = ${result.subtasksCreated},
          proposal = ${proposal}::jsonb, "completedAt" = now(), "durationMs" = ${result.durationMs},
          "errorMsg" = NULL, "updatedAt" = now()
        WHERE ${guardedSql<RunStoryState>({ id: runStoryId, from: ["SAVING"], jobId })}
        RETURNING "storyId", "runId"
      ), meta AS (
        UPDATE "Story" s SET "generatedAt" = now(), "generationRunId" = done."runId",
          "generationModel" = ${result.model}, "generationTokens" = ${result.tokensUsed}, "updatedAt" = now()
        FROM done WHERE s.id = done."storyId"
      ), recorded AS (${recordSubIssues(sql`done`, result.subIssues)}
      ), linked AS (${insertLinks(sql`done`, result.links)})
      SELECT (SELECT count(*) FROM done)::int AS completed`);
    return rows[0]?.completed === 1;
  }

  /** Hands the story to the job that retries it, so that job (and only it) can resume. */
  handOver(runStoryId: string, fromJobId: string, toJobId: string, errorMsg: string): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: OPEN_STORY_STATES, jobId: fromJobId },
      { jobId: toJobId, retryCount: { increment: 1 }, errorMsg: this.redact(errorMsg) },
    );
  }

  /** Any open state → FAILED for the holding job (retries are spent, or the error cannot clear). */
  failStory(runStoryId: string, jobId: string, errorMsg: string, durationMs: number): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: OPEN_STORY_STATES, jobId }, { status: "FAILED", errorMsg: this.redact(errorMsg), completedAt: new Date(), durationMs });
  }

  /**
   * A story that may not start yet (a spend limit is reached) stays PENDING, handed to the
   * delayed job `toJobId` that starts it when the limit resets, with the reason people read.
   */
  deferStory(runStoryId: string, fromJobId: string | null, toJobId: string, reason: string): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: ["PENDING"], jobId: fromJobId, reviewState: null }, { jobId: toJobId, errorMsg: reason });
  }

  // ── Spend, for the spend guard ───────────────────────────────────────────────────────────

  /**
   * Tokens and estimated cost of the stories that started generating since `from`. A story's
   * spend (every proposal it was given, RunStory.tokensUsed and its proposal's costUsd) counts
   * in the period its latest generation started.
   */
  async spendSince(from: Date): Promise<{ tokens: number; costUsd: number }> {
    const rows = await this.prisma.$queryRaw<{ tokens: number; cost: number }[]>`
      SELECT coalesce(sum("tokensUsed"), 0)::float8 AS tokens,
             coalesce(sum(CASE WHEN jsonb_typeof(proposal->'costUsd') = 'number' THEN (proposal->>'costUsd')::numeric END), 0)::float8 AS cost
      FROM "RunStory" WHERE "startedAt" >= ${from}`;
    return { tokens: Number(rows[0]?.tokens ?? 0), costUsd: Number(rows[0]?.cost ?? 0) };
  }

  /**
   * Whether run `runId` has started a story already, and how many other runs `user` started
   * from the slash command whose first story started since `from`.
   */
  async slashRunsStartedSince(user: string, runId: string, from: Date): Promise<{ started: boolean; others: number }> {
    const rows = await this.prisma.$queryRaw<{ started: boolean; others: number }[]>`
      SELECT EXISTS (SELECT 1 FROM "RunStory" WHERE "runId" = ${runId} AND "startedAt" IS NOT NULL) AS started,
             (SELECT count(*) FROM (
                SELECT rs."runId" FROM "RunStory" rs JOIN "Run" r ON r.id = rs."runId"
                WHERE r."requestedBy" = ${user} AND r.trigger = 'SLASH_COMMAND' AND r.id <> ${runId} AND rs."startedAt" IS NOT NULL
                GROUP BY rs."runId" HAVING min(rs."startedAt") >= ${from}
              ) first_starts)::int AS others`;
    return { started: rows[0]?.started === true, others: Number(rows[0]?.others ?? 0) };
  }

  /** Any open state → FAILED whoever holds it: its queue job died too often (crash or timeout). */
  giveUpStory(runStoryId: string, errorMsg: string, durationMs: number): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: OPEN_STORY_STATES }, { status: "FAILED", errorMsg: this.redact(errorMsg), completedAt: new Date(), durationMs });
  }

  // ── Review decisions (a person's click; only the first finds the story awaiting) ─────────

  /** Create: the proposal is approved and handed to `jobId`, which saves it. */
  approveReview(runStoryId: string, jobId: string): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: ["PENDING"], reviewState: "AWAITING" }, { reviewState: "APPROVED", jobId });
  }

  /**
   * Regenerate: out of review and back to `jobId`, which generates again. The old proposal stays
   * until the new one replaces it, so its tokens and cost still count.
   */
  reopenReview(runStoryId: string, jobId: string): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: ["PENDING"], reviewState: "AWAITING" }, { reviewState: null, jobId });
  }

  /**
   * Refine: out of review with a person's instruction added to the story's, and back to `jobId`,
   * which makes a new proposal from the story, the previous proposal and the instructions.
   */
  refineReview(runStoryId: string, jobId: string, instruction: string): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: ["PENDING"], reviewState: "AWAITING" },
      { reviewState: null, jobId, instructions: { push: instruction } },
    );
  }

  /** Discard: PENDING → SKIPPED, nothing is created. */
  discardReview(runStoryId: string, durationMs: number): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: ["PENDING"], reviewState: "AWAITING" },
      { status: "SKIPPED", reviewState: "DISCARDED", errorMsg: "discarded in review", completedAt: new Date(), durationMs },
    );
  }

  /**
   * Stop (Linear's stop signal) on a story waiting for review: PENDING → SKIPPED at once, as a
   * discard with its own reason.
   */
  stopInReview(runStoryId: string, reason: string, durationMs: number): Promise<boolean> {
    return this.moveStory(
      { id: runStoryId, from: ["PENDING"], reviewState: "AWAITING" },
      { status: "SKIPPED", reviewState: "DISCARDED", stopRequestedAt: new Date(), errorMsg: reason, completedAt: new Date(), durationMs },
    );
  }

  /** Stop on a story being worked on: its job halts at the next safe point (see stopRequested). */
  requestStop(runStoryId: string): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: OPEN_STORY_STATES }, { stopRequestedAt: new Date() });
  }

  async stopRequested(runStoryId: string): Promise<boolean> {
    const row = await this.prisma.runStory.findUnique({ where: { id: runStoryId }, select: { stopRequestedAt: true } });
    return row?.stopRequestedAt != null;
  }

  /** Any open state → SKIPPED for the holding job, because a person asked to stop. */
  stopStory(runStoryId: string, jobId: string, reason: string, durationMs: number): Promise<boolean> {
    return this.moveStory({ id: runStoryId, from: OPEN_STORY_STATES, jobId }, { status: "SKIPPED", errorMsg: reason, completedAt: new Date(), durationMs });
  }

  /** Stories left open in running runs, for re-enqueueing (jobs are deduplicated by id). */
  /**
   * Runs still RUNNING whose stories are all final: the process that finished the last story
   * died before it marked the run finished (found by npm run chaos), so nobody else would.
   */
  async runsLeftOpen(): Promise<string[]> {
    const rows = await this.prisma.run.findMany({
      where: { status: "RUNNING", runStories: { some: {}, none: { status: { in: [...OPEN_STORY_STATES] } } } },
      select: { id: true },
      take: 500,
    });
    return rows.map((row) => row.id);
  }

  async openStoriesOlderThan(ms: number): Promise<{ id: string; jobId: string | null; runId: string }[]> {
    return this.prisma.runStory.findMany({
      where: {
        status: { in: [...OPEN_STORY_STATES] },
        OR: [{ reviewState: null }, { reviewState: "APPROVED" }],
        updatedAt: { lt: new Date(Date.now() - ms) },
        run: { status: "RUNNING" },
      },
      select: { id: true, jobId: true, runId: true },
      take: 500,
    });
  }

  // ── Subtasks (the write-back's rows: sync/subtask-rows.ts) ───────────────────────────────

  async saveSubtaskRows(storyId: string, runId: string, keptTrackerIds: readonly string[], rows: readonly NewSubtaskRow[]): Promise<SubtaskRow[]> {
    const inserted = await queryRows<SubtaskRow>(this.pool, sql`
      WITH ${subtaskRowsSaved(storyId, runId, keptTrackerIds, rows, sql`TRUE`)}
      SELECT * FROM inserted`);
    return this.storedRows(storyId, rows, inserted);
  }

  /** Every row of `rows`' codes as stored now: those just inserted, or (a resumed job) as read back. */
  private async storedRows(storyId: string, rows: readonly NewSubtaskRow[], inserted: SubtaskRow[]): Promise<SubtaskRow[]> {
    // All new on a first attempt; a resumed one reads back what the earlier attempt wrote.
    if (inserted.length === rows.length) return inserted;
    return this.prisma.subtask.findMany({ where: { storyId, code: { in: rows.map((row) => row.code) } } });
  }

  async linkSubtasks(storyId: string, runId: string, links: readonly LinkedSubtask[]): Promise<void> {
    if (links.length === 0) return;
    // One statement for the whole batch rather than one update per sub-issue.
    await execute(this.pool, recordSubIssues(ownerRow(storyId, runId), links));
  }

  // ── Dependency links between those subtasks (sync's port: sync/subtask-links.ts) ────────────

  recordedLinks(storyId: string, runId: string): Promise<SubtaskLinkRow[]> {
    return queryRows<SubtaskLinkRow>(this.pool, sql`
      SELECT blocker.code AS blocker, blocked.code AS blocked
      FROM "SubtaskLink" l
      JOIN "Subtask" blocker ON blocker.id = l."blockerId"
      JOIN "Subtask" blocked ON blocked.id = l."blockedId"
      WHERE blocker."storyId" = ${storyId} AND blocker."runId" = ${runId}`);
  }

  async recordLinks(storyId: string, runId: string, links: readonly SubtaskLinkRow[]): Promise<void> {
    if (links.length === 0) return;
    await execute(this.pool, insertLinks(ownerRow(storyId, runId), links));
  }

  // ── Progress, as observers see it ───────────────────────────────────────────────────────

  async loadStoryProgress(runStoryId: string): Promise<StoryProgress | null> {
    const [row] = await this.progressRows(sql`rs.id = ${runStoryId}`);
    return row ? toStoryProgress(row) : null;
  }

  async loadRunProgress(runId: string): Promise<RunProgress | null> {
    // Read side by side: a run's final report waits for both.
    const [run, stories] = await Promise.all([this.prisma.run.findUnique({ where: { id: runId } }), this.progressRows(sql`rs."runId" = ${runId}`)]);
    if (!run) return null;
    return { run: toRunSummary(run), stories: stories.map(toStoryProgress) };
  }

  /**
   * The RunStory rows `where` picks, in the order they were created, each with what progress
   * shows of its story and the story's subtasks. One statement on the pool (plain-sql.ts), the
   * subtasks as JSON: a 200-story run's progress, which Slack reads to report the run, took
   * about 40 ms through Prisma's relation loading against 10 ms so.
   */
  private async progressRows(where: Prisma.Sql): Promise<RunStoryWithStory[]> {
    type Flat = Prisma.RunStoryGetPayload<object> & { storyKey: string; storyTitle: string; storyUrl: string | null; storyTracker: TrackerKind; storySubtasks: RunStoryWithStory["story"]["subtasks"] };
    const rows = await queryRows<Flat>(this.pool, sql`
      SELECT rs.*, s.key AS "storyKey", s.title AS "storyTitle", s.url AS "storyUrl", s.tracker AS "storyTracker",
        coalesce((
          SELECT json_agg(json_build_object(
            'runId', st."runId", 'code', st.code, 'title', st.title, 'effort', st.effort, 'trackerUrl', st."trackerUrl", 'trackerKey', st."trackerKey"
          ) ORDER BY st."createdAt", st.id)
          FROM "Subtask" st WHERE st."storyId" = s.id
        ), '[]') AS "storySubtasks"
      FROM "RunStory" rs JOIN "Story" s ON s.id = rs."storyId"
      WHERE ${where}
      ORDER BY rs."createdAt", rs.id`);
    return rows.map(({ storyKey, storyTitle, storyUrl, storyTracker, storySubtasks, ...runStory }) => ({
      ...runStory,
      story: { key: storyKey, title: storyTitle, url: storyUrl, tracker: storyTracker, subtasks: storySubtasks },
    }));
  }

  /** Recent runs, newest first: of a Slack channel, of a person, or all. */
  async listRuns(filter: { slackChannel?: string; requestedBy?: string; limit?: number } = {}): Promise<RunSummary[]> {
    const runs = await this.prisma.run.findMany({
      where: {
        ...(filter.slackChannel ? { slackChannel: filter.slackChannel } : {}),
        ...(filter.requestedBy ? { requestedBy: filter.requestedBy } : {}),
      },
      orderBy: { createdAt: "desc" },
      take: Math.min(Math.max(filter.limit ?? 10, 1), 100),
    });
    return runs.map(toRunSummary);
  }
}

/** A unique index refused the write: P2002 through Prisma, SQLSTATE 23505 on the pool. */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "P2002" || code === "23505";
}

/** A run's story as the one-row relation ("storyId", "runId") that recordSubIssues and insertLinks take as `owner`. */
function ownerRow(storyId: string, runId: string): Prisma.Sql {
  return sql`(SELECT ${storyId}::text AS "storyId", ${runId}::text AS "runId")`;
}

/**
 * Records the sub-issues a run's story's subtask rows became, by code, in one statement. `owner`
 * is a relation with the story's "storyId" and "runId" (a row of values, or the completing
 * statement's own); without a row, nothing is recorded.
 */
function recordSubIssues(owner: Prisma.Sql, subIssues: readonly LinkedSubtask[]): Prisma.Sql {
  return sql`
    UPDATE "Subtask" s SET "trackerId" = v.id, "trackerKey" = v.key, "trackerUrl" = v.url, "syncedAt" = now()
    FROM ${owner} AS owner
    CROSS JOIN unnest(${subIssues.map((i) => i.code)}::text[], ${subIssues.map((i) => i.id)}::text[],
                      ${subIssues.map((i) => i.key)}::text[], ${subIssues.map((i) => i.url)}::text[]) AS v(code, id, key, url)
    WHERE s."storyId" = owner."storyId" AND s."runId" = owner."runId" AND s.code = v.code`;
}

/**
 * Records links between the subtasks of a run's story, by code, in one statement; a link recorded
 * by an earlier attempt stays as it is. `owner` is a relation with the story's "storyId" and
 * "runId" (a row of values, or the completing statement's own); without a row, nothing is recorded.
 */
function insertLinks(owner: Prisma.Sql, links: readonly SubtaskLinkRow[]): Prisma.Sql {
  return sql`
    INSERT INTO "SubtaskLink" ("blockerId", "blockedId")
    SELECT blocker.id, blocked.id
    FROM ${owner} AS owner
    CROSS JOIN unnest(${links.map((link) => link.blocker)}::text[], ${links.map((link) => link.blocked)}::text[]) AS v(blocker, blocked)
    JOIN "Subtask" blocker ON blocker."storyId" = owner."storyId" AND blocker."runId" = owner."runId" AND blocker.code = v.blocker
    JOIN "Subtask" blocked ON blocked."storyId" = owner."storyId" AND blocked."runId" = owner."runId" AND blocked.code = v.blocked
    ON CONFLICT DO NOTHING`;
}

/** GENERATING → SAVING for the holding job with the proposal, unless a person asked to stop the story (see startSaving). */
function moveToSaving(runStoryId: string, jobId: string, proposal: object, tokensUsed: number): Prisma.Sql {
  return sql`
    UPDATE "RunStory" SET status = 'SAVING', proposal = ${JSON.stringify(proposal)}::jsonb, "tokensUsed" = ${tokensUsed}, "updatedAt" = now()
    WHERE ${guardedSql<RunStoryState>({ id: runStoryId, from: ["GENERATING"], jobId })} AND "stopRequestedAt" IS NULL`;
}

/**
 * The CTEs `stale` and `inserted` of saving a story's subtask rows (SubtaskRows.saveSubtaskRows),
 * done only if `onlyIf` holds: the story's rows of earlier runs that no longer stand for a child
 * in the tracker are deleted, then this run's rows are inserted, a code already there skipped.
 * The insert reads the count of the deleted rows so that Postgres deletes first: a
 * data-modifying CTE nobody reads runs after the main statement, and the insert would meet the
 * stale row's code and skip the new row. Plain SQL rather than createManyAndReturn: Prisma
 * compiles each createMany afresh, and that compile was the costliest CPU of a story's step.
 * ON CONFLICT DO NOTHING is what skipDuplicates did.
 */
function subtaskRowsSaved(storyId: string, runId: string, keptTrackerIds: readonly string[], rows: readonly NewSubtaskRow[], onlyIf: Prisma.Sql): Prisma.Sql {
  return sql`
    stale AS (
      DELETE FROM "Subtask"
      WHERE "storyId" = ${storyId} AND ("runId" IS NULL OR "runId" <> ${runId})
        AND ("trackerId" IS NULL OR NOT ("trackerId" = ANY(${[...keptTrackerIds]}::text[])))
        AND ${onlyIf}
      RETURNING 1
    ), inserted AS (
      INSERT INTO "Subtask" (id, "storyId", "runId", code, title, description, effort)
      SELECT v.id, ${storyId}, ${runId}, v.code, v.title, v.description, v.effort
      FROM unnest(${rows.map(() => newId())}::text[], ${rows.map((row) => row.code)}::text[], ${rows.map((row) => row.title)}::text[],
                  ${rows.map((row) => row.description)}::text[], ${rows.map((row) => row.effort)}::text[]) AS v(id, code, title, description, effort)
      WHERE (SELECT count(*) FROM stale) >= 0 AND ${onlyIf}
      ON CONFLICT DO NOTHING
      RETURNING id, code, title, description, effort, "runId", "trackerId", "trackerKey", "trackerUrl"
    )`;
}
