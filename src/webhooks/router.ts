// The tracker webhooks: POST /webhooks/linear and POST /webhooks/jira. Each reads its body raw
// (1 MB at most, else 413), proves it authentic, parses it, and starts a run when the trigger
// label was just added; the run itself proceeds on the queue.
import { Router } from "express";
import type { Registry } from "prom-client";
import type { Config } from "../config/config.ts";
import { rawBody } from "../http/body.ts";
import type { Logger } from "../log/logger.ts";
import { deliveriesCounter } from "./deliveries-metric.ts";
import { jiraDeliveryHandler } from "./jira/handler.ts";
import { linearDeliveryHandler } from "./linear/handler.ts";
import { webhookRoute } from "./route.ts";
import type { RunStarter } from "./start-label-run.ts";

export interface WebhookRouterDeps {
  readonly config: Pick<Config, "linear" | "jira" | "triggerLabel">;
  readonly logger: Logger;
  readonly runs: RunStarter;
  /** Where webhook_deliveries_total is registered; none: not counted. */
  readonly registry?: Registry;
  /** The clock the timestamp windows are checked against. */
  readonly now?: () => number;
  /** How long a delivery may wait for the database before it is answered 503 (default 4 s). */
  readonly recordWithinMs?: number;
}

export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const logger = deps.logger.child({ component: "webhooks" });
  const common = { runs: deps.runs, logger, config: deps.config, now: deps.now ?? Date.now, recordWithinMs: deps.recordWithinMs };
  const route = { logger, count: deliveriesCounter(deps.registry) };
  const router = Router();
  router.post("/webhooks/linear", rawBody(), webhookRoute("LINEAR", route, linearDeliveryHandler(common)));
  router.post("/webhooks/jira", rawBody(), webhookRoute("JIRA", route, jiraDeliveryHandler(common)));
  return router;
}
