import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isFresh } from "../../../src/webhooks/freshness.ts";
import { JIRA_FRESHNESS } from "../../../src/webhooks/jira/verify.ts";
import { LINEAR_FRESHNESS } from "../../../src/webhooks/linear/verify.ts";
import { signatureMatches, signBody } from "../../../src/webhooks/signature.ts";

const body = Buffer.from('{"action":"update","type":"Issue"}');
const secret = "lin_wh_secret";
const digest = createHmac("sha256", secret).update(body).digest("hex");

describe("webhook signatures", () => {
  it("the hex HMAC-SHA256 of the exact body under the secret matches, in either case", () => {
    expect(signBody(body, secret)).toBe(digest);
    expect(signatureMatches(body, secret, digest)).toBe(true);
    expect(signatureMatches(body, secret, digest.toUpperCase())).toBe(true);
  });

  it("another secret, another body, a truncated or non-hex digest does not match", () => {
    expect(signatureMatches(body, "other", digest)).toBe(false);
    expect(signatureMatches(Buffer.from(`${body} `), secret, digest)).toBe(false);
    expect(signatureMatches(body, secret, digest.slice(0, 63))).toBe(false);
    expect(signatureMatches(body, secret, `${digest}00`)).toBe(false);
    expect(signatureMatches(body, secret, `${digest.slice(0, 63)}g`)).toBe(false);
    expect(signatureMatches(body, secret, "")).toBe(false);
  });
});

describe("timestamp windows", () => {
  const now = Date.parse("2026-11-25T10:00:00Z");

  it("Linear: a minute either way, as @linear/sdk's verify allows", () => {
    expect(isFresh(now - 60_000, now, LINEAR_FRESHNESS)).toBe(true);
    expect(isFresh(now + 60_000, now, LINEAR_FRESHNESS)).toBe(true);
    expect(isFresh(now - 60_001, now, LINEAR_FRESHNESS)).toBe(false);
    expect(isFresh(now + 60_001, now, LINEAR_FRESHNESS)).toBe(false);
  });

  it("Jira: an hour back, to outlast Jira's retries of the unchanged body, and 5 minutes ahead", () => {
    expect(isFresh(now - 60 * 60_000, now, JIRA_FRESHNESS)).toBe(true);
    expect(isFresh(now - 60 * 60_000 - 1, now, JIRA_FRESHNESS)).toBe(false);
    expect(isFresh(now + 5 * 60_000, now, JIRA_FRESHNESS)).toBe(true);
    expect(isFresh(now + 5 * 60_000 + 1, now, JIRA_FRESHNESS)).toBe(false);
  });

  it("a timestamp that is not a finite number is never fresh", () => {
    expect(isFresh(Number.NaN, now, JIRA_FRESHNESS)).toBe(false);
    expect(isFresh(Number.POSITIVE_INFINITY, now, JIRA_FRESHNESS)).toBe(false);
  });
});
