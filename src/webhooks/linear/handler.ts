// POST /webhooks/linear: verify on the raw bytes, then parse, then check the signed timestamp,
// then act, in that order and never back.
import type { LinearConfig } from "../../trackers/linear/config.ts";
import type { DeliveryHandler } from "../route.ts";
import type { ReceiveDeps } from "../start-label-run.ts";
import { parseLinearDelivery } from "./parse.ts";
import { receiveLinearDelivery } from "./receive.ts";
import { verifyLinearSignature, verifyLinearTimestamp } from "./verify.ts";

export function linearDeliveryHandler(deps: ReceiveDeps, config: LinearConfig | null): DeliveryHandler {
  const secret = config?.webhookSecret;
  return async (req) => {
    verifyLinearSignature(req.rawBody, req.get("linear-signature"), secret);
    const delivery = parseLinearDelivery(req.rawBody, { deliveryId: req.get("linear-delivery") });
    verifyLinearTimestamp(delivery.webhookTimestamp, deps.now());
    return receiveLinearDelivery(deps, delivery);
  };
}
