// The tracker webhooks: POST /webhooks/<tracker> for every tracker that has a receiver. Each
// reads its body raw (1 MB at most, else 413), proves it authentic, parses it, and starts a run
// when the trigger label was just added; the run itself proceeds on the queue.
import { Router } from "express";
import type { Registry } from "prom-client";
import type { Config } from "../config/config.ts";
import { rawBody } from "../http/body.ts";
import type { Logger } from "../log/logger.ts";
import { trackerEntries } from "../trackers/registry.ts";
import { deliveriesCounter } from "./deliveries-metric.ts";
import { webhookReceivers, type ReceiverFactory } from "./receivers.ts";
import { webhookRoute } from "./route.ts";
import type { RunStarter } from "./start-label-run.ts";
import type { SessionReceiver } from "../linear-agent/session-receiver.ts";

export interface WebhookRouterDeps {
  readonly config: Pick<Config, "trackers" | "triggerLabel"> & Partial<Pick<Config, "storiesLabel">>;
  readonly logger: Logger;
  readonly runs: RunStarter;
  /** Where webhook_deliveries_total is registered; none: not counted. */
  readonly registry?: Registry;
  /** The clock the timestamp windows are checked against. */
  readonly now?: () => number;
  /** How long a delivery may wait for the database before it is answered 503 (default 4 s). */
  readonly recordWithinMs?: number | undefined;
  /** Linear agent session events, when the agent is on. */
  readonly agentSessions?: SessionReceiver | undefined;
}

/** The path a tracker's webhook is registered at. */
export const webhookPath = (tracker: string) => `/webhooks/${tracker}`;

export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const logger = deps.logger.child({ component: "webhooks" });
  const receive = {
    runs: deps.runs,
    logger,
    triggerLabel: deps.config.triggerLabel,
    storiesLabel: deps.config.storiesLabel,
    now: deps.now ?? Date.now,
    recordWithinMs: deps.recordWithinMs,
    agentSessions: deps.agentSessions,
  };
  const route = { logger, count: deliveriesCounter(deps.registry) };
  const router = Router();
  for (const entry of trackerEntries) {
    const receiver = webhookReceivers[entry.name] as ReceiverFactory<typeof entry.name> | undefined;
    if (!receiver) continue;
    router.post(webhookPath(entry.name), rawBody(), webhookRoute(entry.kind, route, receiver(receive, deps.config.trackers[entry.name] as never)));
  }
  return router;
}
