// Proves a Jira delivery authentic before anything reads it. An admin webhook registered with a
// secret is signed `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`
// (https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks); without
// JIRA_WEBHOOK_SECRET nothing can be proven, so every delivery is refused.
import { HttpError } from "../../http/errors.ts";
import { isFresh, type FreshnessWindow } from "../freshness.ts";
import { signatureMatches } from "../signature.ts";
import { ErrorCode } from "../../errors/codes.ts";

/**
 * Unlike Linear, Jira does not re-stamp a retry: the body (and its `timestamp`, when the event
 * was raised) is the same on every attempt, and Jira retries a failed delivery (5xx, 429,
 * timeouts) for up to about 30 minutes ("subject to change":
 * https://community.developer.atlassian.com/t/new-jira-cloud-webhook-retry-policy/30554).
 * The window must outlast that, or a delivery refused with 503 while the database was down
 * would be refused again as stale when Jira retries it, and the label would be lost. An hour
 * is twice the stated retry span; 5 minutes ahead allows for clock skew. Replays inside the
 * hour are caught by the delivery id (X-Atlassian-Webhook-Identifier, the same on retries).
 */
export const JIRA_FRESHNESS: FreshnessWindow = { maxAgeMs: 60 * 60_000, maxAheadMs: 5 * 60_000 };

export function verifyJiraSignature(raw: Buffer, header: string | undefined, secret: string | undefined): void {
  if (!secret) {
    throw new HttpError(401, ErrorCode.WebhookSecretUnset, "JIRA_WEBHOOK_SECRET is not set on this bot, so Jira deliveries are refused");
  }
  if (!header) throw new HttpError(401, ErrorCode.MissingSignature, "the X-Hub-Signature header is missing");
  const separator = header.indexOf("=");
  const method = header.slice(0, separator).trim();
  if (separator < 0 || method !== "sha256") {
    throw new HttpError(401, ErrorCode.InvalidSignature, "the X-Hub-Signature must be sha256=<hex>");
  }
  if (!signatureMatches(raw, secret, header.slice(separator + 1).trim())) {
    throw new HttpError(401, ErrorCode.InvalidSignature, "the X-Hub-Signature does not match the body");
  }
}

/** Called once the verified body is parsed: its `timestamp` is signed with it. */
export function verifyJiraTimestamp(timestamp: number, now: number): void {
  if (!isFresh(timestamp, now, JIRA_FRESHNESS)) {
    throw new HttpError(401, ErrorCode.StaleDelivery, "the delivery's timestamp is more than an hour old (or more than 5 minutes ahead)");
  }
}
