import type { Express, Router } from "express";
import { describeIntegrations, type Config, type TrackerName } from "./config/config.ts";
import type { Database } from "./db/prisma.ts";
import { readMigrations } from "./db/migrations.ts";
import { databaseReadiness } from "./db/readiness.ts";
import { createAnthropicModelClient, createSubtaskGenerator } from "./generation/index.ts";
import type { SubtaskGenerator } from "./generation/types.ts";
import { listen, type RunningServer } from "./http/listen.ts";
import { createMetrics, type Metrics } from "./http/metrics.ts";
import { createHttpApp } from "./http/server.ts";
import type { Logger } from "./log/logger.ts";
import type { RetryPolicy } from "./runs/process-story.ts";
import type { QueueTiming } from "./runs/queue.ts";
import { createRunService, type RunService } from "./runs/service.ts";
import { createSlackSurface } from "./slack/surface.ts";
import { createTrackers } from "./trackers/create-trackers.ts";
import type { Tracker } from "./trackers/types.ts";
import { createWebhookRouter } from "./webhooks/router.ts";

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  /** Default: the adapters of the configured trackers. */
  readonly trackers?: Partial<Record<TrackerName, Tracker>>;
  /** Default: the Claude-backed engine on the configured model. */
  readonly generator?: SubtaskGenerator;
  /** Tests shorten these. */
  readonly queueTiming?: Partial<QueueTiming>;
  /** How long an ack (Slack) or a 200 (webhooks) waits for the run's insert; tests shorten it. */
  readonly recordWithinMs?: number;
  readonly storyRetry?: RetryPolicy;
}

export interface App {
  readonly http: Express;
  readonly metrics: Metrics;
  readonly runs: RunService;
  readonly trackers: Partial<Record<TrackerName, Tracker>>;
  /** Starts background work and the HTTP server; port 0 picks a free port (tests). */
  start(port?: number): Promise<RunningServer>;
  /** Graceful: stop accepting, finish in-flight requests, then stop background work. */
  stop(): Promise<void>;
}

/** The composition root: everything the service is, built from injected dependencies. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, logger, db } = deps;
  const metrics = createMetrics();
  const migrations = await readMigrations();
  const trackers = deps.trackers ?? createTrackers({ config, logger });
  const generator =
    deps.generator ??
    createSubtaskGenerator({ client: createAnthropicModelClient(config.anthropic, { logger }), logger });
  // Parts that join the app: HTTP routes (mounted in order, each parsing its own body) and
  // background work started after the queue and stopped before it.
  const routers: Router[] = [];
  const components: { start(): Promise<void>; stop(): Promise<void> }[] = [];
  // The run layer links story comments to the Slack thread when the Slack surface can tell it.
  let threadUrl: ((run: { slackChannel: string | null; slackThreadTs: string | null; slackTeamId: string | null }) => Promise<string | undefined>) | undefined;

  const runs = createRunService({
    prisma: db.prisma,
    intakePool: db.intakePool,
    databaseUrl: db.url,
    logger,
    trackers,
    generator,
    concurrency: config.runConcurrency,
    work: config.runConcurrency > 0,
    epicStoryLimit: config.epicStoryLimit,
    finishLabels: { trigger: config.triggerLabel, done: config.doneLabel, failed: config.failedLabel },
    threadUrl: (run) => threadUrl?.(run),
    ...(deps.queueTiming ? { queueTiming: deps.queueTiming } : {}),
    ...(deps.storyRetry ? { retry: deps.storyRetry } : {}),
  });
  // Slack surface: wired here (routers, components, threadUrl).
  if (config.slack) {
    const slack = createSlackSurface({ config, slack: config.slack, logger, runs, trackers, recordWithinMs: deps.recordWithinMs });
    if (slack.router) routers.push(slack.router);
    components.push(slack);
    threadUrl = slack.threadUrl;
  }
  // Tracker webhooks: wired here (routers).
  routers.push(createWebhookRouter({ config, logger, runs, registry: metrics.registry, recordWithinMs: deps.recordWithinMs }));

  const http = createHttpApp({ logger, metrics, checkReadiness: databaseReadiness(db.pool, migrations), routers });
  let server: RunningServer | undefined;
  let runsStarted = false;
  return {
    http,
    metrics,
    runs,
    trackers,
    async start(port = config.port) {
      await runs.start();
      runsStarted = true;
      for (const component of components) await component.start();
      server = await listen(http, port);
      logger.info({ port: server.port, integrations: describeIntegrations(config) }, "subtasks-bot listening");
      return server;
    },
    async stop() {
      await server?.close();
      server = undefined;
      for (const component of [...components].reverse()) await component.stop();
      if (runsStarted) await runs.stop();
      runsStarted = false;
    },
  };
}
