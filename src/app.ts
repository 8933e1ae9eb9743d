import type { Express } from "express";
import { describeIntegrations, type Config } from "./config/config.ts";
import type { Database } from "./db/prisma.ts";
import { readMigrations } from "./db/migrations.ts";
import { databaseReadiness } from "./db/readiness.ts";
import { listen, type RunningServer } from "./http/listen.ts";
import { createMetrics, type Metrics } from "./http/metrics.ts";
import { createHttpApp } from "./http/server.ts";
import type { Logger } from "./log/logger.ts";

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
}

export interface App {
  readonly http: Express;
  readonly metrics: Metrics;
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
  const http = createHttpApp({ logger, metrics, checkReadiness: databaseReadiness(db.pool, migrations) });
  let server: RunningServer | undefined;
  return {
    http,
    metrics,
    async start(port = config.port) {
      server = await listen(http, port);
      logger.info({ port: server.port, integrations: describeIntegrations(config) }, "subtasks-bot listening");
      return server;
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}
