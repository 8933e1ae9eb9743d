// POST /webhooks/linear: verify on the raw bytes, then parse, then check the signed timestamp,
// then act, in that order and never back. Entity webhooks (labels) and the OAuth app's agent
// session events arrive on this one route; a body signed with either secret is accepted.
import { parseJsonBody } from "../../http/body.ts";
import { isAgentSessionEvent, parseAgentSessionEvent } from "../../linear-agent/session-event.ts";
import type { LinearConfig } from "../../trackers/linear/config.ts";
import { ignored } from "../outcome.ts";
import type { DeliveryHandler } from "../route.ts";
import type { ReceiveDeps } from "../start-label-run.ts";
import { parseLinearDelivery, parseLinearDeliveryId } from "./parse.ts";
import { receiveLinearDelivery } from "./receive.ts";
import { verifyLinearSignature, verifyLinearTimestamp } from "./verify.ts";

export function linearDeliveryHandler(deps: ReceiveDeps, config: LinearConfig | null): DeliveryHandler {
  const secrets = [config?.webhookSecret, config?.appWebhookSecret];
  return async (req) => {
    verifyLinearSignature(req.rawBody, req.get("linear-signature"), secrets);
    const json = parseJsonBody(req.rawBody);
    if (isAgentSessionEvent(json)) {
      const event = parseAgentSessionEvent(json, parseLinearDeliveryId(req.get("linear-delivery")));
      verifyLinearTimestamp(event.webhookTimestamp, deps.now());
      if (!deps.agentSessions) return ignored("the Linear agent is off on this bot (LINEAR_CLIENT_ID is not set)");
      return deps.agentSessions(event);
    }
    const delivery = parseLinearDelivery({ json }, { deliveryId: req.get("linear-delivery") });
    verifyLinearTimestamp(delivery.webhookTimestamp, deps.now());
    return receiveLinearDelivery(deps, delivery);
  };
}
