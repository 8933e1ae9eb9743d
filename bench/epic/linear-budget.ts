// Linear's request budget, played in front of the Linear fake (chaos/front.ts `limit`): a leaky
// bucket per API key, full at the start, holding `perHour` requests and refilled continuously at
// perHour per hour, as Linear describes its limits (/work/shared/reference/linear.md, "Rate
// limits"; https://linear.app/developers/rate-limiting). Every answer carries
// X-RateLimit-Requests-Limit/-Remaining/-Reset, Reset being the Unix time in ms at which the
// bucket is full again. A request over the budget is refused as Linear does: HTTP 400 with
// Linear's RATELIMITED GraphQL error (test/fixtures/linear/error-ratelimited.json, what
// src/trackers/linear/errors.ts recognises), and Retry-After in seconds until one request fits.
// It also counts what it saw, queries (reads) and mutations (writes) apart, for the bench.
import type { LimitedRequest, LimitVerdict } from "../../chaos/front.ts";
import { fixture } from "../../test/unit/trackers/support/fixtures.ts";

export interface LinearBudgetCounts {
  /** Requests let through, by kind. */
  reads: number;
  writes: number;
  /** Requests refused with RATELIMITED. */
  refused: number;
}

export interface LinearBudget {
  readonly perHour: number;
  readonly counts: LinearBudgetCounts;
  /** The front's `limit`: let through (with headers) or refuse one request. */
  limit(request: LimitedRequest): LimitVerdict;
}

const HOUR_MS = 3_600_000;

export function linearBudget(perHour: number, now: () => number = Date.now): LinearBudget {
  const counts: LinearBudgetCounts = { reads: 0, writes: 0, refused: 0 };
  const msPerRequest = HOUR_MS / perHour;
  let remaining = perHour;
  let at = now();

  function refill(time: number): void {
    remaining = Math.min(perHour, remaining + (time - at) / msPerRequest);
    at = time;
  }

  function headers(time: number): Record<string, string> {
    return {
      "x-ratelimit-requests-limit": String(perHour),
      "x-ratelimit-requests-remaining": String(Math.max(0, Math.floor(remaining))),
      "x-ratelimit-requests-reset": String(Math.ceil(time + (perHour - remaining) * msPerRequest)),
    };
  }

  return {
    perHour,
    counts,
    limit(request) {
      const time = now();
      refill(time);
      if (remaining < 1) {
        counts.refused++;
        const retryAfterSeconds = Math.max(1, Math.ceil(((1 - remaining) * msPerRequest) / 1000));
        return {
          refuse: {
            status: 400,
            headers: { "retry-after": String(retryAfterSeconds) },
            body: fixture("linear/error-ratelimited.json"),
          },
          headers: headers(time),
        };
      }
      remaining -= 1;
      if (isMutation(request.body)) counts.writes++;
      else counts.reads++;
      return { headers: headers(time) };
    },
  };
}

/** A GraphQL request whose operation is a mutation (the adapter names every operation; fragments may come first). */
function isMutation(body: Buffer): boolean {
  try {
    const { query } = JSON.parse(body.toString("utf8")) as { query?: unknown };
    return typeof query === "string" && /\b(?:query|mutation)\s+\w+/.exec(query)?.[0].startsWith("mutation") === true;
  } catch {
    return false;
  }
}
