// The HTTP service on top of the core: health and metrics, the Slack surface and the tracker
// webhooks, mounted on one express server.
import type { Express, Router } from "express";
import { describeIntegrations } from "./config/config.ts";
import type { Core } from "./core.ts";
import { readMigrations } from "./db/migrations.ts";
import { databaseReadiness } from "./db/readiness.ts";
import { listen, type RunningServer } from "./http/listen.ts";
import { createMetrics, type Metrics } from "./http/metrics.ts";
import { createHttpApp } from "./http/server.ts";
import { createLinearAgentSurface } from "./linear-agent/surface.ts";
import { registerSpendMetrics } from "./http/spend-metrics.ts";
import { pgPaceSchedule } from "./slack/pg-pace-schedule.ts";
import { createSlackSurface } from "./slack/surface.ts";
import { createWebhookRouter } from "./webhooks/router.ts";

export interface AppOptions {
  /** How long an ack (Slack) or a 200 (webhooks) waits for the run's insert; tests shorten it. */
  readonly recordWithinMs?: number;
}

export interface App {
  readonly core: Core;
  readonly http: Express;
  readonly metrics: Metrics;
  /** Starts the core's background work and the HTTP server; port 0 picks a free port (tests). */
  start(port?: number): Promise<RunningServer>;
  /** Graceful: stop accepting, finish in-flight requests, then stop background work and the core. */
  stop(): Promise<void>;
}

export async function createApp(core: Core, options: AppOptions = {}): Promise<App> {
  const { config, logger } = core;
  const metrics = createMetrics();
  registerSpendMetrics(metrics.registry, () => core.runs.spendUsage());
  const migrations = await readMigrations();
  core.access.warnIfOpen();
  // Parts that join the app: HTTP routes (mounted in order, each parsing its own body) and
  // background work started after the core and stopped before it.
  const routers: Router[] = [];
  const components: { start(): Promise<void>; stop(): Promise<void> }[] = [];
  if (config.slack && core.slack && core.threadLinks) {
    const slack = createSlackSurface({
      config,
      slack: config.slack,
      client: core.slack,
      links: core.threadLinks,
      settings: core.settings,
      logger,
      runs: core.runs,
      trackers: core.trackers,
      access: core.access,
      recordWithinMs: options.recordWithinMs,
      paceSchedule: pgPaceSchedule(core.db.pool, logger.child({ component: "slack" })),
    });
    if (slack.router) routers.push(slack.router);
    components.push(slack);
  }
  const agent = core.linearAgent ? createLinearAgentSurface({ agent: core.linearAgent, runs: core.runs, threadLinks: core.threadLinks, config, logger, recordWithinMs: options.recordWithinMs }) : null;
  if (agent) {
    routers.push(agent.router);
    components.push(agent);
  }
  routers.push(
    createWebhookRouter({
      config,
      logger,
      runs: core.runs,
      registry: metrics.registry,
      recordWithinMs: options.recordWithinMs,
      agentSessions: agent?.receive,
    }),
  );

  const http = createHttpApp({ logger, metrics, checkReadiness: databaseReadiness(core.db.pool, migrations), routers });
  let server: RunningServer | undefined;
  let started = false;
  return {
    core,
    http,
    metrics,
    async start(port = config.port) {
      await core.start();
      started = true;
      for (const component of components) await component.start();
      server = await listen(http, port);
      logger.info({ port: server.port, integrations: describeIntegrations(config) }, "subtasks-bot listening");
      return server;
    },
    async stop() {
      await server?.close();
      server = undefined;
      if (started) for (const component of [...components].reverse()) await component.stop();
      started = false;
      await core.stop();
    },
  };
}
