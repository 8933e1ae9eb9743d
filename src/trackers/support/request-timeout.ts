import { withTimeout } from "../../async/deadline.ts";

/**
 * How long one request to a tracker may take. Without a limit, a connection that never
 * answers would hold a story until its queue job expires (15 minutes); after this, the call
 * fails as TrackerUnavailable and the usual retries apply. Writes that timed out may still
 * have happened: creates carry client ids or are matched by marker on the next attempt.
 */
export const TRACKER_REQUEST_TIMEOUT_MS = 30_000;

export class RequestTimedOut extends Error {
  constructor(ms: number) {
    super(`no answer within ${Math.round(ms / 1000)} s`);
    this.name = "RequestTimedOut";
  }
}

/** Rejects with RequestTimedOut when `promise` has not settled after `ms`. */
export function withRequestTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return withTimeout(promise, ms, () => new RequestTimedOut(ms));
}
