// Proves a Linear delivery authentic before anything reads it: the Linear-Signature header is
// the hex HMAC-SHA256 of the raw body keyed with the webhook's signing secret, and the signed
// body's webhookTimestamp must be within a minute of now (what LinearWebhookClient.verify in
// @linear/sdk/webhooks enforces). https://linear.app/developers/webhooks#securing-webhooks
import { HttpError } from "../../http/errors.ts";
import type { FreshnessWindow } from "../freshness.ts";
import { isFresh } from "../freshness.ts";
import { signatureMatches } from "../signature.ts";
import { ErrorCode } from "../../errors/codes.ts";

/**
 * Linear stamps webhookTimestamp when it sends each attempt (its retries, 1 min, 1 h and 6 h
 * later, carry a new one), so a minute either way covers clock skew and transit while a
 * captured delivery cannot be replayed later.
 */
export const LINEAR_FRESHNESS: FreshnessWindow = { maxAgeMs: 60_000, maxAheadMs: 60_000 };

/**
 * `secrets`: the workspace webhook's (LINEAR_WEBHOOK_SECRET) and the OAuth app's
 * (LINEAR_APP_WEBHOOK_SECRET, which signs agent session events); a body signed with either is
 * accepted.
 */
export function verifyLinearSignature(raw: Buffer, signature: string | undefined, secrets: readonly (string | undefined)[]): void {
  const keys = secrets.filter((secret): secret is string => Boolean(secret));
  if (keys.length === 0) {
    throw new HttpError(401, ErrorCode.WebhookSecretUnset, "LINEAR_WEBHOOK_SECRET is not set on this bot, so Linear deliveries are refused");
  }
  if (!signature) throw new HttpError(401, ErrorCode.MissingSignature, "the Linear-Signature header is missing");
  if (!keys.some((secret) => signatureMatches(raw, secret, signature.trim()))) {
    throw new HttpError(401, ErrorCode.InvalidSignature, "the Linear-Signature does not match the body");
  }
}

/** Called once the verified body is parsed: the timestamp it carries is signed with it. */
export function verifyLinearTimestamp(webhookTimestamp: number, now: number): void {
  if (!isFresh(webhookTimestamp, now, LINEAR_FRESHNESS)) {
    throw new HttpError(401, ErrorCode.StaleDelivery, "the delivery's webhookTimestamp is more than 60 s from now");
  }
}
