// The HTTP face shared by both providers: runs a provider's verify → parse → receive on the raw
// request and answers the outcome as JSON 200. A delivery that could not be recorded is a 503
// with Retry-After (the tracker retries); a refused or malformed one keeps its HttpError (401,
// 400) for the app's error handler. So a request is never answered 200 unless its delivery was
// recorded (started, duplicate) or needs no record (ignored).
import type { Request, RequestHandler } from "express";
import { HttpError } from "../http/errors.ts";
import type { Logger } from "../log/logger.ts";
import type { DeliveryCounter } from "./deliveries-metric.ts";
import type { WebhookOutcome, WebhookProvider } from "./outcome.ts";
import { DeliveryNotStored } from "./start-label-run.ts";

/** Seconds a sender is asked to wait before retrying a delivery we could not record. */
export const RETRY_AFTER_SECONDS = 30;

export type DeliveryHandler = (req: Request & { rawBody: Buffer }) => Promise<WebhookOutcome>;

export function webhookRoute(provider: WebhookProvider, deps: { logger: Logger; count: DeliveryCounter }, handle: DeliveryHandler): RequestHandler {
  const logger = deps.logger.child({ provider: provider.toLowerCase() });
  return async (req, res, next) => {
    try {
      const outcome = await handle(Object.assign(req, { rawBody: req.rawBody ?? Buffer.alloc(0) }));
      deps.count(provider, outcome.status);
      res.status(200).json(outcome);
    } catch (error) {
      if (error instanceof DeliveryNotStored) {
        deps.count(provider, "unavailable");
        logger.error({ err: error.cause }, "webhook delivery not recorded; answered 503 so the tracker retries");
        res.set("Retry-After", String(RETRY_AFTER_SECONDS)).status(503).json({ error: "unavailable", message: error.message });
        return;
      }
      if (error instanceof HttpError) {
        // Refusals are worth a warning: a wrong or missing secret refuses every delivery.
        const refused = error.status === 401;
        deps.count(provider, refused ? "refused" : "invalid");
        logger[refused ? "warn" : "info"]({ status: error.status, code: error.code, reason: error.message }, "webhook delivery rejected");
      }
      next(error);
    }
  };
}
