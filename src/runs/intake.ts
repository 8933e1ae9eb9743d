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
import { deliveryKey, type RecordedBatch, type RunStore } from "./store.ts";
import type { StartRunInput, StartRunResult } from "./types.ts";

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
  private readonly store: RunStore;
  private readonly queue: RunQueue;
  private readonly logger: Logger;
  private waiting: Pending[] = [];
  private writers = 0;

  constructor(deps: { pool: pg.Pool; store: RunStore; queue: RunQueue; logger: Logger }) {
    this.pool = deps.pool;
    this.store = deps.store;
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

  private recordBatch(client: pg.PoolClient, batch: readonly Pending[]): Promise<RecordedBatch> {
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
      type: input.type ?? "GENERATE_SUBTASKS",
      viaDelivery: input.delivery !== undefined,
      trigger: input.trigger,
      requestedBy: input.requestedBy,
      requestedByName: input.requestedByName ?? null,
      refs: input.refs.map((ref) => ref.input),
      options: { ...input.options, targets: input.refs },
      slackTeamId: input.slack?.teamId ?? null,
      slackChannel: input.slack?.channel ?? null,
      slackThreadTs: input.slack?.threadTs ?? null,
      linearAgentSessionId: input.linearAgentSession?.id ?? null,
      linearOrganizationId: input.linearAgentSession?.organizationId ?? null,
    }));
    return this.store.recordRuns(client, deliveries, runs);
  }

  /**
   * Each caller's answer; a repeated delivery learns which run the first one started: an
   * earlier batch's (read with the insert), its own batch's, or, rarely, that of a batch
   * committed while this one was written (read now).
   */
  private async answer(client: pg.PoolClient, batch: readonly Pending[], recorded: RecordedBatch): Promise<StartRunResult[]> {
    const key = (item: Pending) => deliveryKey(item.input.delivery!);
    const runOf = new Map(recorded.earlier);
    for (const item of batch) if (item.input.delivery && recorded.won.has(item.runId)) runOf.set(key(item), item.runId);
    const unknown = batch.filter((item) => item.input.delivery && !runOf.has(key(item)));
    if (unknown.length > 0) {
      const keys = unknown.map((item) => ({ provider: item.input.delivery!.provider, deliveryId: item.input.delivery!.deliveryId }));
      for (const [key, runId] of await this.store.runsOfDeliveries(client, keys)) runOf.set(key, runId);
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
