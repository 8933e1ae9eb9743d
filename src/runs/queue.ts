// pg-boss is the distributed engine: jobs live in Postgres (schema `pgboss`), so several bot
// processes share the work and a job of a process that died is picked up by another.
import { PgBoss, type Db, type Job } from "pg-boss";
import type { Logger } from "../log/logger.ts";
import { uuidFromName } from "../db/uuid-from-name.ts";

export const RESOLVE_QUEUE = "run-resolve";
export const STORY_QUEUE = "run-story";
export const STORY_DEAD_QUEUE = "run-story-dead";
/** One job per epic of a stories run (GENERATE_STORIES). */
export const EPIC_QUEUE = "run-epic";
export const EPIC_DEAD_QUEUE = "run-epic-dead";

export interface ResolveJob {
  readonly runId: string;
}
export interface StoryJob {
  readonly runStoryId: string;
}
export interface EpicJob {
  readonly runEpicId: string;
}

export interface QueueTiming {
  /**
   * A running job proves it is alive this often; one that stops (kill -9, OOM, deploy) is
   * failed by the monitor after this many seconds and retried by any live process. pg-boss's
   * default expiry is 15 minutes; this keeps recovery under 2 minutes.
   */
  readonly heartbeatSeconds: number;
  /** Hard ceiling for one attempt, well above a slow model call plus tracker writes. */
  readonly expireInSeconds: number;
  /** How often the monitor looks for jobs whose heartbeat stopped. */
  readonly monitorIntervalSeconds: number;
  /** Idle poll when a worker found nothing. */
  readonly pollingIntervalSeconds: number;
  /** First delay before pg-boss retries a job whose worker died; doubles each time. */
  readonly retryDelaySeconds: number;
}

export const defaultQueueTiming: QueueTiming = {
  heartbeatSeconds: 30,
  expireInSeconds: 15 * 60,
  monitorIntervalSeconds: 15,
  pollingIntervalSeconds: 1,
  retryDelaySeconds: 5,
};

export interface RunQueueOptions {
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly timing?: Partial<QueueTiming>;
  /** How many attempts pg-boss makes when a worker dies mid-job (crash recovery). */
  readonly crashRetryLimit?: number;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export class RunQueue {
  readonly boss: PgBoss;
  private readonly logger: Logger;
  private readonly timing: QueueTiming;
  private readonly crashRetryLimit: number;
  /** This process's workers per queue; `busy` while one runs a job. */
  private readonly workers = new Map<string, { id: string; busy: boolean }[]>();
  private started = false;

  constructor(options: RunQueueOptions) {
    this.logger = options.logger;
    this.timing = { ...defaultQueueTiming, ...options.timing };
    this.crashRetryLimit = options.crashRetryLimit ?? 3;
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: "pgboss",
      max: 5,
      application_name: "subtasks-bot",
      monitorIntervalSeconds: this.timing.monitorIntervalSeconds,
      superviseIntervalSeconds: this.timing.monitorIntervalSeconds,
    });
    this.boss.on("error", (error: unknown) => this.logger.error({ err: error }, "queue error"));
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    const common = this.jobOptions();
    await this.ensureQueue(STORY_DEAD_QUEUE, { retryLimit: 5, retryDelay: 10, retryBackoff: true });
    await this.ensureQueue(RESOLVE_QUEUE, common);
    await this.ensureQueue(STORY_QUEUE, { ...common, deadLetter: STORY_DEAD_QUEUE });
    await this.ensureQueue(EPIC_DEAD_QUEUE, { retryLimit: 5, retryDelay: 10, retryBackoff: true });
    await this.ensureQueue(EPIC_QUEUE, { ...common, deadLetter: EPIC_DEAD_QUEUE });
    this.started = true;
  }

  // Created once; every send also carries the timing options, so a changed setting applies to
  // new jobs without altering an existing queue.
  private async ensureQueue(name: string, options: Parameters<PgBoss["createQueue"]>[1]): Promise<void> {
    if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, options);
  }

  private jobOptions() {
    return {
      expireInSeconds: this.timing.expireInSeconds,
      heartbeatSeconds: this.timing.heartbeatSeconds,
      retryLimit: this.crashRetryLimit,
      retryDelay: this.timing.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: 120,
    };
  }

  /**
   * Registers `concurrency` workers, one pg-boss worker each. A worker that has just finished a
   * job asks for the next at once instead of sleeping its poll interval: pg-boss only sleeps
   * between fetches when nobody notified the worker (see pg-boss worker.js), so a backlog of
   * stories drains back to back.
   */
  async work<T extends object>(queue: string, concurrency: number, handler: JobHandler<T>): Promise<void> {
    const workers = this.workers.get(queue) ?? [];
    this.workers.set(queue, workers);
    for (let i = 0; i < concurrency; i++) {
      const worker = { id: "", busy: false };
      worker.id = await this.boss.work<T>(
        queue,
        { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: this.timing.pollingIntervalSeconds },
        async ([job]) => {
          if (!job) return;
          worker.busy = true;
          try {
            await handler(job);
          } finally {
            worker.busy = false;
            this.boss.notifyWorker(worker.id);
          }
        },
      );
      workers.push(worker);
    }
  }

  /**
   * Wakes as many of this process's idle workers of `queue` as there are new jobs. Only those:
   * each woken worker runs a fetch query, so waking every worker of every queue on each send
   * cost several empty fetches per run. Busy workers need no call; they fetch again as they finish.
   */
  wake(queue: string, jobs = 1): void {
    let left = jobs;
    for (const worker of this.workers.get(queue) ?? []) {
      if (left <= 0) return;
      if (worker.busy) continue;
      this.boss.notifyWorker(worker.id);
      left -= 1;
    }
  }

  /** Enqueues the job that resolves a run's references; a second send for the run is a no-op. */
  async sendResolve(runId: string): Promise<void> {
    await this.boss.send(RESOLVE_QUEUE, { runId } satisfies ResolveJob, { ...this.jobOptions(), id: resolveJobId(runId) });
    this.wake(RESOLVE_QUEUE);
  }

  /**
   * Inserts the resolve jobs of many runs in one statement through `db` (the caller's
   * connection, or a transaction of its own). The caller wakes the resolve workers once it committed.
   */
  async insertResolveJobs(runIds: readonly string[], db: Db): Promise<void> {
    const options = this.jobOptions();
    await this.boss.insert(
      RESOLVE_QUEUE,
      runIds.map((runId) => ({ ...options, id: resolveJobId(runId), data: { runId } satisfies ResolveJob })),
      { db },
    );
  }

  /**
   * Enqueues one story job. `jobId` is deterministic (derived from the story and its attempt),
   * so sending it twice inserts it once; `startAfter` delays a retry (backoff, Retry-After).
   */
  async sendStory(runStoryId: string, jobId: string, startAfterSeconds = 0): Promise<void> {
    await this.boss.send(STORY_QUEUE, { runStoryId } satisfies StoryJob, {
      ...this.jobOptions(),
      id: jobId,
      ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
    });
    if (startAfterSeconds === 0) this.wake(STORY_QUEUE);
  }

  /** Enqueues many story jobs in one statement (an epic's worth). Existing ids are skipped. */
  async sendStories(jobs: readonly { runStoryId: string; jobId: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    const options = this.jobOptions();
    await this.boss.insert(
      STORY_QUEUE,
      jobs.map((job) => ({ ...options, id: job.jobId, data: { runStoryId: job.runStoryId } satisfies StoryJob, deadLetter: STORY_DEAD_QUEUE })),
    );
    this.wake(STORY_QUEUE, jobs.length);
  }

  /** Enqueues one epic job of a stories run; deterministic ids as for stories. */
  async sendEpic(runEpicId: string, jobId: string, startAfterSeconds = 0): Promise<void> {
    await this.boss.send(EPIC_QUEUE, { runEpicId } satisfies EpicJob, {
      ...this.jobOptions(),
      id: jobId,
      deadLetter: EPIC_DEAD_QUEUE,
      ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
    });
    if (startAfterSeconds === 0) this.wake(EPIC_QUEUE);
  }

  async sendEpics(jobs: readonly { runEpicId: string; jobId: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    const options = this.jobOptions();
    await this.boss.insert(
      EPIC_QUEUE,
      jobs.map((job) => ({ ...options, id: job.jobId, data: { runEpicId: job.runEpicId } satisfies EpicJob, deadLetter: EPIC_DEAD_QUEUE })),
    );
    this.wake(EPIC_QUEUE, jobs.length);
  }

  async stop(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: options.graceful ?? true, timeout: options.timeoutMs ?? 20_000 });
  }
}

/** The resolve job of a run: one per run, whoever enqueues it and however often. */
function resolveJobId(runId: string): string {
  return uuidFromName(`resolve:${runId}`);
}

/** The job id of a story's first attempt in a run (known before the RunStory row exists). */
export function firstStoryJobId(runId: string, storyId: string): string {
  return uuidFromName(`story:${runId}:${storyId}`);
}

/** The job id of an epic's first attempt in a stories run. */
export function firstEpicJobId(runId: string, epicId: string): string {
  return uuidFromName(`epic:${runId}:${epicId}`);
}

/** The job that retries after `jobId`: derived from it, so each retry chain is unique. */
export function retryJobId(jobId: string): string {
  return uuidFromName(`retry:${jobId}`);
}
