// What Jira's rate-limit headers say: how long it asked the bot to wait after a refusal (a 429,
// or a 503 with Retry-After), and how much of its window is left after any answer.
// https://developer.atlassian.com/cloud/jira/platform/rate-limiting/ — Retry-After (seconds),
// X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (an ISO 8601 time).
import { headroomOf, type RateHeadroom } from "../../budget/headroom.ts";
import { parseRetryAfter } from "../../http/retry-after.ts";

function resetInMs(headers: Headers, now: number): number | undefined {
  const reset = headers.get("x-ratelimit-reset");
  const resetAt = reset ? Date.parse(reset) : Number.NaN;
  return Number.isNaN(resetAt) ? undefined : resetAt - now;
}

/** `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset`. */
export function jiraRetryAfterMs(headers: Headers, now: number): number | undefined {
  const asked = parseRetryAfter(headers.get("retry-after"), now);
  if (asked !== undefined) return asked;
  const reset = resetInMs(headers, now);
  return reset === undefined ? undefined : Math.max(0, reset);
}

/**
 * The window the answer's headers describe, when they describe it completely. Jira does not say
 * how its quota comes back, so it is read as a window: the cautious reading.
 */
export function jiraHeadroom(headers: Headers, now: number): RateHeadroom[] {
  const headroom = headroomOf(headers.get("x-ratelimit-limit"), headers.get("x-ratelimit-remaining"), resetInMs(headers, now), "window");
  return headroom ? [headroom] : [];
}
