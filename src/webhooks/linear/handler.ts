// POST /webhooks/linear: verify on the raw bytes, then parse, then check the signed timestamp,
// then act, in that order and never back.
import type { Config } from "../../config/config.ts";
import type { DeliveryHandler } from "../route.ts";
import { parseLinearDelivery } from "./parse.ts";
import { receiveLinearDelivery, type LinearReceiveDeps } from "./receive.ts";
import { verifyLinearSignature, verifyLinearTimestamp } from "./verify.ts";

export interface LinearHandlerDeps extends Omit<LinearReceiveDeps, "triggerLabel"> {
  readonly config: Pick<Config, "linear" | "triggerLabel">;
  readonly now: () => number;
}

export function linearDeliveryHandler(deps: LinearHandlerDeps): DeliveryHandler {
  const secret = deps.config.linear?.webhookSecret;
  const receiveDeps: LinearReceiveDeps = {
    runs: deps.runs,
    logger: deps.logger,
    triggerLabel: deps.config.triggerLabel,
    recordWithinMs: deps.recordWithinMs,
  };
  return async (req) => {
    verifyLinearSignature(req.rawBody, req.get("linear-signature"), secret);
    const delivery = parseLinearDelivery(req.rawBody, { deliveryId: req.get("linear-delivery") });
    verifyLinearTimestamp(delivery.webhookTimestamp, deps.now());
    return receiveLinearDelivery(receiveDeps, delivery);
  };
}
