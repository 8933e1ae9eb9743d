// POST /webhooks/jira: verify on the raw bytes, then parse, then check the signed timestamp,
// then act, in that order and never back.
import type { Config } from "../../config/config.ts";
import type { DeliveryHandler } from "../route.ts";
import { parseJiraDelivery } from "./parse.ts";
import { receiveJiraDelivery, type JiraReceiveDeps } from "./receive.ts";
import { verifyJiraSignature, verifyJiraTimestamp } from "./verify.ts";

export interface JiraHandlerDeps extends Omit<JiraReceiveDeps, "triggerLabel"> {
  readonly config: Pick<Config, "jira" | "triggerLabel">;
  readonly now: () => number;
}

export function jiraDeliveryHandler(deps: JiraHandlerDeps): DeliveryHandler {
  const secret = deps.config.jira?.webhookSecret;
  const receiveDeps: JiraReceiveDeps = {
    runs: deps.runs,
    logger: deps.logger,
    triggerLabel: deps.config.triggerLabel,
    recordWithinMs: deps.recordWithinMs,
  };
  return async (req) => {
    verifyJiraSignature(req.rawBody, req.get("x-hub-signature"), secret);
    const delivery = parseJiraDelivery(req.rawBody, { identifier: req.get("x-atlassian-webhook-identifier") });
    verifyJiraTimestamp(delivery.timestamp, deps.now());
    return receiveJiraDelivery(receiveDeps, delivery);
  };
}
