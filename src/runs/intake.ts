// Records new runs (and the webhook deliveries that start them) in batches: every request that
// arrives while a batch is being written joins the next one, so a few round trips record many
// runs at a burst (a team labelling a whole board, a command storm) and a single request at
// quiet times is written at once, with no added wait. Each caller is answered only after its
// run is stored: a run that was acknowledged is never lost.
import type pg from "pg";
import { newId } from "../db/new-id.ts";
import type { Logger } from "../log/logger.ts";
import { queuedRunSummary } from "./progress.ts";
import { RESOLVE_QUEUE, type RunQueue } from "./queue.ts";
import type { StartRunInput, StartRunResult } from "./types.ts";

/** How a delivery is known across batches: provider + the provider's delivery id. */
const deliveryKey = (delivery: { provider: string; deliveryId: string }) => `${delivery.provider}:${delivery.deliveryId}`;

interface Recorded {
  /** Runs this batch started. */
  readonly won: ReadonlySet<string>;
  /** provider:deliveryId → run, for deliveries of the batch recorded before it. */
  readonly earlier: ReadonlyMap<string, string | null>;
}

interface Pending {
  readonly input: StartRunInput;
  readonly runId: string;
  readonly enqueue: boolean;
  resolve(result: StartRunResult): void;
  reject(error: unknown): void;
}

/** Most runs one batch records; the rest wait for the next. */
const MAX_BATCH = 200;
/**
 * Batches writing at once, each on a connection of the intake pool (which holds as many).
 * More than one keeps requests from queueing behind a write; two batches holding the same
 * delivery are safe: the second waits on the unique index and finds it recorded.
 */
const WRITERS = 2;

export class RunIntake {
  private readonly pool: pg.Pool;
  private readonly queue: RunQueue;
  private readonly logger: Logger;
  private waiting: Pending[] = [];
  private writers = 0;

  constructor(deps: { pool: pg.Pool; queue: RunQueue; logger: Logger }) {
    this.pool = deps.pool;
    this.queue = deps.queue;
    this.logger = deps.logger;
  }

  /**
   * Records the run, with its delivery when there is one, in one statement, and (with
   * `enqueue`) then its resolve job. A delivery already recorded (a repeat, even a concurrent
   * one) starts nothing and answers with the run it started the first time.
   */
  record(input: StartRunInput, enqueue: boolean): Promise<StartRunResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, runId: newId(), enqueue, resolve, reject });
      if (this.writers < WRITERS) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writers += 1;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          const results = await this.write(batch);
          batch.forEach((item, index) => item.resolve(results[index]!));
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.writers -= 1;
    }
  }

  /**
   * Two round trips, each its own transaction: one statement records the batch's deliveries and
   * runs, then one inserts the resolve jobs of the runs it started. A crash between the two
   * leaves QUEUED runs without a job, which the sweeper enqueues (deterministic job ids make
   * that safe); every caller is answered only after both.
   */
  private async write(batch: readonly Pending[]): Promise<StartRunResult[]> {
    const client = await this.pool.connect();
    try {
      const recorded = await this.recordBatch(client, batch);
      const toEnqueue = batch.filter((item) => item.enqueue && recorded.won.has(item.runId)).map((item) => item.runId);
      if (toEnqueue.length > 0) {
        await this.queue.insertResolveJobs(toEnqueue, { executeSql: (text: string, values?: unknown[]) => client.query(text, values) });
        this.queue.wake(RESOLVE_QUEUE, toEnqueue.length);
      }
      const results = await this.answer(client, batch, recorded);
      this.logger.debug({ runs: recorded.won.size, batch: batch.length }, "runs recorded");
      return results;
    } finally {
      client.release();
    }
  }

  /**
   * One statement: the deliveries first, and a run only for a delivery recorded now (the first
   * of each provider + delivery id) or for a request that came without one. It also reads the
   * run of every delivery of the batch that was recorded before the statement began, so a
   * repeat is usually answered without another round trip.
   */
  private async recordBatch(client: pg.PoolClient, batch: readonly Pending[]): Promise<Recorded> {
    const deliveries = batch
      .filter((item) => item.input.delivery)
      .map((item) => ({
        id: newId(),
        provider: item.input.delivery!.provider,
        deliveryId: item.input.delivery!.deliveryId,
        event: item.input.delivery!.event ?? null,
        runId: item.runId,
      }));
    const runs = batch.map(({ input, runId }) => ({
      id: runId,
      viaDelivery: input.delivery !== undefined,
      trigger: input.trigger,
      requestedBy: input.requestedBy,
      requestedByName: input.requestedByName ?? null,
      refs: input.refs.map((ref) => ref.input),
      options: { ...input.options, targets: input.refs },
      slackTeamId: input.slack?.teamId ?? null,
      slackChannel: input.slack?.channel ?? null,
      slackThreadTs: input.slack?.threadTs ?? null,
    }));
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
           "slackTeamId", "slackChannel", "slackThreadTs", "updatedAt")
         SELECT r.id, 'GENERATE_SUBTASKS', 'QUEUED', r.trigger::"RunTrigger", r."requestedBy", r."requestedByName",
           ARRAY(SELECT jsonb_array_elements_text(r.refs)), r.options,
           r."slackTeamId", r."slackChannel", r."slackThreadTs", now()
         FROM jsonb_to_recordset($2::jsonb) AS r(id text, "viaDelivery" boolean, trigger text, "requestedBy" text,
           "requestedByName" text, refs jsonb, options jsonb, "slackTeamId" text, "slackChannel" text, "slackThreadTs" text)
         WHERE NOT r."viaDelivery" OR r.id IN (SELECT "runId" FROM delivered)
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

  /**
   * Each caller's answer; a repeated delivery learns which run the first one started: an
   * earlier batch's (read with the insert), its own batch's, or, rarely, that of a batch
   * committed while this one was written (read now).
   */
  private async answer(client: pg.PoolClient, batch: readonly Pending[], recorded: Recorded): Promise<StartRunResult[]> {
    const key = (item: Pending) => deliveryKey(item.input.delivery!);
    const runOf = new Map(recorded.earlier);
    for (const item of batch) if (item.input.delivery && recorded.won.has(item.runId)) runOf.set(key(item), item.runId);
    const unknown = batch.filter((item) => item.input.delivery && !runOf.has(key(item)));
    if (unknown.length > 0) {
      const keys = unknown.map((item) => ({ provider: item.input.delivery!.provider, deliveryId: item.input.delivery!.deliveryId }));
      const { rows } = await client.query<{ provider: string; deliveryId: string; runId: string | null }>(
        `SELECT w.provider::text AS provider, w."deliveryId", w."runId"
         FROM "WebhookDelivery" w
         JOIN jsonb_to_recordset($1::jsonb) AS k(provider text, "deliveryId" text)
           ON w.provider::text = k.provider AND w."deliveryId" = k."deliveryId"`,
        [JSON.stringify(keys)],
      );
      for (const row of rows) runOf.set(deliveryKey(row), row.runId);
    }
    const recordedAt = new Date();
    return batch.map((item): StartRunResult => {
      if (!item.input.delivery || recorded.won.has(item.runId)) {
        return { duplicate: false, runId: item.runId, run: queuedRunSummary(item.runId, item.input, recordedAt) };
      }
      return { duplicate: true, runId: runOf.get(key(item)) ?? null };
    });
  }
}
