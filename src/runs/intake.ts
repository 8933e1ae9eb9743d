// Records new runs (and the webhook deliveries that start them) in batches: every request that
// arrives while a batch is being written joins the next one, so one transaction records many
// runs at a burst (a team labelling a whole board, a command storm) and a single request at
// quiet times is written at once, with no added wait. Each caller is answered only after its
// batch committed: a run that was acknowledged is never lost.
import type pg from "pg";
import { newId } from "../db/new-id.ts";
import type { Logger } from "../log/logger.ts";
import { queuedRunSummary } from "./progress.ts";
import type { RunQueue } from "./queue.ts";
import type { StartRunInput, StartRunResult } from "./types.ts";

interface Pending {
  readonly input: StartRunInput;
  readonly runId: string;
  readonly enqueue: boolean;
  resolve(result: StartRunResult): void;
  reject(error: unknown): void;
}

/** Most runs one transaction records; the rest wait for the next. */
const MAX_BATCH = 200;
/**
 * Transactions writing at once. More than one keeps requests from queueing behind a commit;
 * two batches holding the same delivery are safe: the second waits on the unique index and
 * finds it recorded.
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
   * Records the run, with its delivery when there is one, and (with `enqueue`) its resolve job
   * in the same transaction. A delivery already recorded (a repeat, even a concurrent one)
   * starts nothing and answers with the run it started the first time.
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

  private async write(batch: readonly Pending[]): Promise<StartRunResult[]> {
    const client = await this.pool.connect();
    const won = new Set<string>();
    let enqueued = false;
    let results: StartRunResult[];
    try {
      await client.query("BEGIN");
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
      // One statement: the deliveries first, and a run only for a delivery recorded now (the
      // first of each provider + delivery id) or for a request that came without one.
      // Named, so each connection plans the statement once.
      const inserted = await client.query<{ id: string }>({
        name: "subtasks-intake-record",
        text: `WITH delivered AS (
           INSERT INTO "WebhookDelivery" (id, provider, "deliveryId", event, "runId")
           SELECT d.id, d.provider::"WebhookProvider", d."deliveryId", d.event, d."runId"
           FROM jsonb_to_recordset($1::jsonb) AS d(id text, provider text, "deliveryId" text, event text, "runId" text)
           ON CONFLICT (provider, "deliveryId") DO NOTHING
           RETURNING "runId"
         )
         INSERT INTO "Run" (id, type, status, trigger, "requestedBy", "requestedByName", refs, options,
           "slackTeamId", "slackChannel", "slackThreadTs", "updatedAt")
         SELECT r.id, 'GENERATE_SUBTASKS', 'QUEUED', r.trigger::"RunTrigger", r."requestedBy", r."requestedByName",
           ARRAY(SELECT jsonb_array_elements_text(r.refs)), r.options,
           r."slackTeamId", r."slackChannel", r."slackThreadTs", now()
         FROM jsonb_to_recordset($2::jsonb) AS r(id text, "viaDelivery" boolean, trigger text, "requestedBy" text,
           "requestedByName" text, refs jsonb, options jsonb, "slackTeamId" text, "slackChannel" text, "slackThreadTs" text)
         WHERE NOT r."viaDelivery" OR r.id IN (SELECT "runId" FROM delivered)
         RETURNING id`,
        values: [JSON.stringify(deliveries), JSON.stringify(runs)],
      });
      const started = new Set(inserted.rows.map((row) => row.id));
      for (const id of started) won.add(id);
      const toEnqueue = batch.filter((item) => item.enqueue && started.has(item.runId)).map((item) => item.runId);
      if (toEnqueue.length > 0) {
        // In the same transaction: a run that exists has its job, whatever happens next.
        await this.queue.insertResolveJobs(toEnqueue, {
          executeSql: (text: string, values?: unknown[]) => client.query(text, values),
        });
        enqueued = true;
      }
      await client.query("COMMIT");
      results = await this.answer(client, batch, won);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    if (enqueued) this.queue.wake();
    this.logger.debug({ runs: results.filter((r) => !r.duplicate).length, batch: batch.length }, "runs recorded");
    return results;
  }

  /** Each caller's answer; a repeated delivery learns which run the first one started. */
  private async answer(client: pg.PoolClient, batch: readonly Pending[], won: ReadonlySet<string>): Promise<StartRunResult[]> {
    const repeats = batch.filter((item) => item.input.delivery && !won.has(item.runId));
    const earlier = new Map<string, string | null>();
    if (repeats.length > 0) {
      const keys = repeats.map((item) => ({ provider: item.input.delivery!.provider, deliveryId: item.input.delivery!.deliveryId }));
      const { rows } = await client.query<{ provider: string; deliveryId: string; runId: string | null }>(
        `SELECT w.provider::text AS provider, w."deliveryId", w."runId"
         FROM "WebhookDelivery" w
         JOIN jsonb_to_recordset($1::jsonb) AS k(provider text, "deliveryId" text)
           ON w.provider::text = k.provider AND w."deliveryId" = k."deliveryId"`,
        [JSON.stringify(keys)],
      );
      for (const row of rows) earlier.set(`${row.provider}:${row.deliveryId}`, row.runId);
    }
    const recordedAt = new Date();
    return batch.map((item): StartRunResult => {
      if (!item.input.delivery || won.has(item.runId)) {
        return { duplicate: false, runId: item.runId, run: queuedRunSummary(item.runId, item.input, recordedAt) };
      }
      return { duplicate: true, runId: earlier.get(`${item.input.delivery.provider}:${item.input.delivery.deliveryId}`) ?? null };
    });
  }
}
