// The composition root of everything the bot is besides its HTTP face: the database, the
// trackers, the generation engine, the Slack Web API client and the run service, built once
// from configuration. Every part can be injected (tests pass fakes; a bench passes its own
// database). createApp (the HTTP service) and the CLI both build on it.
import type { WebClient } from "@slack/web-api";
import type { CallBudget } from "./budget/call-budget.ts";
import { createPgCallBudget } from "./budget/pg-call-budget.ts";
import { AccessGuard } from "./access/guard.ts";
import type { Config } from "./config/config.ts";
import type { Database } from "./db/prisma.ts";
import { openRuntimeDatabase } from "./db/runtime-database.ts";
import { createAnthropicModelClient, createStoryGenerator, createSubtaskGenerator } from "./generation/index.ts";
import type { ModelClient } from "./generation/model-client.ts";
import type { StoryGenerator } from "./generation/stories/types.ts";
import type { SubtaskGenerator } from "./generation/types.ts";
import type { Logger } from "./log/logger.ts";
import type { QueueTiming, RunQueue } from "./runs/queue.ts";
import { createRunService, type RunService } from "./runs/service.ts";
import { redactor } from "./log/redact.ts";
import type { StoryRetryPolicy } from "./runs/story-retry.ts";
import { poolSizeFor } from "./runs/story-slots.ts";
import { LinearAgent } from "./linear-agent/agent.ts";
import { createSlackClient } from "./slack/client.ts";
import { SettingsStore } from "./settings/store.ts";
import { ThreadLinks } from "./slack/thread-links.ts";
import { createTrackers, type Trackers } from "./trackers/create-trackers.ts";

export interface CoreDeps {
  readonly logger: Logger;
  /** Default: DATABASE_URL's database, or an embedded PostgreSQL; migrated either way, closed by stop(). */
  readonly db?: Database;
  /** Default: the adapters of the configured trackers. */
  readonly trackers?: Trackers;
  /** Default: the Claude-backed engine on the configured model, its calls held to `modelBudget`. */
  readonly generator?: SubtaskGenerator;
  /** Default: the Claude-backed stories engine on the same model client. */
  readonly storyGenerator?: StoryGenerator;
  /** Default: MODEL_CONCURRENCY calls in flight, shared through the database with every process on it. */
  readonly modelBudget?: CallBudget;
  /** Default: a client on SLACK_BOT_TOKEN when Slack is configured; null: Slack off. */
  readonly slack?: WebClient | null;
  /** Stories worked on at once by this process; default RUN_CONCURRENCY. */
  readonly concurrency?: number;
  /** Whether this process works on stories; default: RUN_CONCURRENCY > 0. */
  readonly work?: boolean;
  /** How often lost work is looked for (ms); 0 disables the sweeper. */
  readonly sweepIntervalMs?: number;
  /** Tests shorten these. */
  readonly queueTiming?: Partial<QueueTiming>;
  readonly queue?: RunQueue;
  readonly storyRetry?: StoryRetryPolicy;
  /** Default: the guard of the configured ACCESS_POLICY and REQUIRE_LINKED_IDENTITY. */
  readonly access?: AccessGuard;
}

export interface Core {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly trackers: Trackers;
  readonly generator: SubtaskGenerator;
  /** The one Slack Web API client; null when Slack is off. */
  readonly slack: WebClient | null;
  /** Links to runs' Slack threads; null when Slack is off. */
  readonly threadLinks: ThreadLinks | null;
  /** The teams' conventions (guidance, count, effort scale, language, review, labels). */
  readonly settings: SettingsStore;
  /** The bot as a Linear agent (installations, app tokens); null when LINEAR_CLIENT_ID is unset. */
  readonly linearAgent: LinearAgent | null;
  readonly runs: RunService;
  /** Who may run and see which stories where; every surface asks it. */
  readonly access: AccessGuard;
  /** Starts the queue and, where this process works, its workers. */
  start(): Promise<void>;
  /** Stops the queue (graceful: lets running jobs finish first), then closes the database if the core opened it. */
  stop(options?: { graceful?: boolean }): Promise<void>;
}

/**
 * The model client the configuration asks for (Claude on ANTHROPIC_MODEL), its calls held to
 * `budget` (without one, as a single story from a file: not limited); null without a key.
 */
export function configuredModelClient(config: Config, logger: Logger, budget?: CallBudget): ModelClient | null {
  return createAnthropicModelClient(config.anthropic, { logger, ...(budget ? { budget } : {}) });
}

/** The generation engine the configuration asks for (Claude on ANTHROPIC_MODEL). */
export function configuredGenerator(config: Config, logger: Logger, client = configuredModelClient(config, logger)): SubtaskGenerator {
  return createSubtaskGenerator({ client, logger });
}

/** The model calls in flight across every process on the database, at most MODEL_CONCURRENCY. */
function sharedModelBudget(config: Config, db: Database, logger: Logger): CallBudget {
  return createPgCallBudget({ pool: db.pool, name: "anthropic", ceiling: config.modelConcurrency, logger: logger.child({ component: "model-budget" }) });
}

export async function createCore(config: Config, deps: CoreDeps): Promise<Core> {
  const { logger } = deps;
  const runtime = deps.db ? null : await openRuntimeDatabase(config, logger, poolSizeFor(config.runConcurrency));
  const db = deps.db ?? runtime!.db;
  const trackerBudgets: CallBudget[] = [];
  const trackers =
    deps.trackers ??
    createTrackers({
      configs: config.trackers,
      logger,
      budgetFor: (name) => {
        const budget = createPgCallBudget({ pool: db.pool, name, ceiling: config.trackerConcurrency, logger: logger.child({ component: "tracker-budget" }) });
        trackerBudgets.push(budget);
        return budget;
      },
    });
  const modelBudget = deps.modelBudget ?? sharedModelBudget(config, db, logger);
  // One client, one budget: subtasks and stories share the calls in flight.
  const modelClient = deps.generator && deps.storyGenerator ? null : configuredModelClient(config, logger, modelBudget);
  const generator = deps.generator ?? configuredGenerator(config, logger, modelClient);
  const storyGenerator = deps.storyGenerator ?? createStoryGenerator({ client: modelClient, logger });
  const slack = deps.slack !== undefined ? deps.slack : config.slack ? createSlackClient(config.slack, logger) : null;
  const threadLinks = slack ? new ThreadLinks(slack, logger.child({ component: "slack" })) : null;
  const settings = new SettingsStore(db.prisma);
  const linearConfig = config.trackers.linear;
  const linearAgent =
    linearConfig?.agent && config.publicUrl && config.tokenEncryptionKey
      ? new LinearAgent({
          prisma: db.prisma,
          oauth: linearConfig.agent,
          apiUrl: linearConfig.apiUrl,
          tokenEncryptionKey: config.tokenEncryptionKey,
          publicUrl: config.publicUrl,
          logger,
        })
      : null;
  const access =
    deps.access ??
    new AccessGuard({
      policy: config.access.policy,
      requireLinkedIdentity: config.access.requireLinkedIdentity,
      slack,
      trackers,
      logger: logger.child({ component: "access" }),
    });
  // Proposals are reviewed in Slack: in the thread of a /subtasks, or of a label run in SLACK_DEFAULT_CHANNEL.
  const labelRunsReport = Boolean(slack && config.slack?.defaultChannel);
  const canReview = (run: { trigger: string; slackChannel: string | null }) =>
    slack !== null && (run.slackChannel !== null || (run.trigger === "TRACKER_LABEL" && labelRunsReport));

  const runs = createRunService({
    prisma: db.prisma,
    pool: db.pool,
    intakePool: db.intakePool,
    databaseUrl: db.url,
    logger,
    redact: redactor(config.secrets),
    trackers,
    generator,
    storyGenerator,
    concurrency: deps.concurrency ?? config.runConcurrency,
    work: deps.work ?? config.runConcurrency > 0,
    epicStoryLimit: config.epicStoryLimit,
    finishLabels: { trigger: config.triggerLabel, done: config.doneLabel, failed: config.failedLabel },
    storiesFinishLabels: { trigger: config.storiesLabel, done: config.doneLabel, failed: config.failedLabel },
    ...(threadLinks ? { links: threadLinks } : {}),
    settings,
    canReview,
    admission: access,
    spendLimits: config.spend,
    ...(deps.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: deps.sweepIntervalMs }),
    ...(deps.queueTiming ? { queueTiming: deps.queueTiming } : {}),
    ...(deps.queue ? { queue: deps.queue } : {}),
    ...(deps.storyRetry ? { retry: deps.storyRetry } : {}),
  });

  let started = false;
  return {
    config,
    logger,
    db,
    trackers,
    generator,
    slack,
    threadLinks,
    settings,
    linearAgent,
    runs,
    access,
    async start() {
      await runs.start();
      started = true;
    },
    async stop(options = {}) {
      if (started) await runs.stop(options);
      started = false;
      await Promise.all([modelBudget, ...trackerBudgets].map((budget) => budget.close()));
      await runtime?.close();
    },
  };
}
