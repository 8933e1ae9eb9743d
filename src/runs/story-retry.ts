// When a failed story attempt is tried again, and after how long. The engine and the adapters
// retry single calls themselves; this is the outer loop: a whole attempt of the story, later,
// by a new queue job, so a rate limit or an outage of several minutes does not fail it.
import { isAppError } from "../errors/app-error.ts";

export interface StoryRetryPolicy {
  /** Attempts after the first for errors that may clear (rate limits, overload, outages). */
  readonly maxRetries: number;
  /** Delay before retry n (1-based), before honouring a provider's Retry-After. */
  delayMs(retry: number): number;
}

export const defaultStoryRetryPolicy: StoryRetryPolicy = {
  maxRetries: 3,
  delayMs: (retry) => Math.min(120_000, 10_000 * 2 ** (retry - 1)) * (0.75 + Math.random() * 0.5),
};

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * Whether the story's next attempt should run, after `retriesSoFar` retries. Errors that are
 * not typed (a bug, a dropped connection) get the same bounded retries as transient ones.
 */
export function decideRetry(policy: StoryRetryPolicy, retriesSoFar: number, error: unknown): RetryDecision {
  const retryable = isAppError(error) ? error.retryable : true;
  if (!retryable || retriesSoFar >= policy.maxRetries) return { retry: false };
  const providerWait = isAppError(error) ? (error.retryAfterMs ?? 0) : 0;
  return { retry: true, delayMs: Math.max(policy.delayMs(retriesSoFar + 1), providerWait) };
}
