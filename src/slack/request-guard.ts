// In front of Bolt on POST /slack/events: the body is read here, at most 1 MB (413 at once,
// like the webhooks), and a signed body that is no Slack request at all (JSON null, a number,
// an array, an object with neither a type nor a command) is answered 400 at once. Bolt would
// otherwise crash on `null` and wait its 3 s for an ack no listener gives to the rest.
// Unsigned or stale requests pass on untouched: Bolt refuses them with 401 as before.
import { parse } from "node:querystring";
import { isValidSlackRequest } from "@slack/bolt";
import { Router } from "express";
import { ErrorCode } from "../errors/codes.ts";
import { rawBody } from "../http/body.ts";

/** Parsed the way Bolt parses it: a form's payload= as JSON, other forms as fields, else JSON. */
function parseLikeBolt(body: string, contentType: string | undefined): unknown {
  if (contentType === "application/x-www-form-urlencoded") {
    const fields = parse(body);
    return typeof fields.payload === "string" ? JSON.parse(fields.payload) : fields;
  }
  return JSON.parse(body);
}

/** Whether Bolt can route it: an event envelope or interaction (type), a command, or Slack's SSL check. */
function isSlackRequest(body: unknown): boolean {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const fields = body as Record<string, unknown>;
  return typeof fields.type === "string" || typeof fields.command === "string" || fields.ssl_check !== undefined;
}

export function slackRequestGuard(path: string, signingSecret: string): Router {
  const router = Router();
  router.post(path, rawBody(), (req, res, next) => {
    const body = req.rawBody!.toString("utf8");
    const signature = req.headers["x-slack-signature"];
    const timestamp = Number(req.headers["x-slack-request-timestamp"]);
    const signed = typeof signature === "string" && isValidSlackRequest({ signingSecret, body, headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp } });
    if (!signed) return next();
    let parsed: unknown;
    try {
      parsed = parseLikeBolt(body, req.headers["content-type"]);
    } catch {
      parsed = undefined;
    }
    if (!isSlackRequest(parsed)) {
      res.status(400).json({ error: ErrorCode.InvalidPayload, message: "the request is not a Slack command, interaction or event" });
      return;
    }
    next();
  });
  return router;
}
