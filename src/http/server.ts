import express, { type Express, type Router } from "express";
import type { Logger } from "../log/logger.ts";
import { errorHandler, notFound } from "./errors.ts";
import { healthRouter, type ReadinessCheck } from "./health.ts";
import type { Metrics } from "./metrics.ts";

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly checkReadiness: ReadinessCheck;
  /** Feature routers (Slack, webhooks), mounted in order, each parsing its own body. */
  readonly routers?: readonly Router[];
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use(options.metrics.middleware);
  app.use(healthRouter(options.checkReadiness));
  app.get("/metrics", async (_req, res) => {
    res.set("content-type", options.metrics.registry.contentType);
    res.send(await options.metrics.registry.metrics());
  });
  for (const router of options.routers ?? []) app.use(router);
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
