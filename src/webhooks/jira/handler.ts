// POST /webhooks/jira: verify on the raw bytes, then parse, then check the signed timestamp,
// then act, in that order and never back.
import type { JiraConfig } from "../../trackers/jira/config.ts";
import type { DeliveryHandler } from "../route.ts";
import type { ReceiveDeps } from "../start-label-run.ts";
import { parseJiraDelivery } from "./parse.ts";
import { receiveJiraDelivery } from "./receive.ts";
import { verifyJiraSignature, verifyJiraTimestamp } from "./verify.ts";

export function jiraDeliveryHandler(deps: ReceiveDeps, config: JiraConfig | null): DeliveryHandler {
  const secret = config?.webhookSecret;
  return async (req) => {
    verifyJiraSignature(req.rawBody, req.get("x-hub-signature"), secret);
    const delivery = parseJiraDelivery(req.rawBody, { identifier: req.get("x-atlassian-webhook-identifier") });
    verifyJiraTimestamp(delivery.timestamp, deps.now());
    return receiveJiraDelivery(deps, delivery);
  };
}
