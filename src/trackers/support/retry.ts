// The one retry loop both adapters use. The operation throws typed errors (the adapter maps SDK
// and HTTP failures first); retryable ones are tried again, waiting as long as the provider
// asked (Retry-After, rate-limit reset) or with exponential back-off when it did not say.

import type { Sleep } from "../../async/sleep.ts";
import { isAppError } from "../../errors/app-error.ts";
import type { Logger } from "../../log/logger.ts";
import { TrackerRateLimited } from "../errors.ts";

export type { Sleep } from "../../async/sleep.ts";

export interface RetryOptions {
  readonly sleep: Sleep;
  readonly logger: Logger;
  /** Names the call in log lines, e.g. "linear Story". */
  readonly what: string;
  /** Including the first try. */
  readonly maxAttempts?: number;
  /** First back-off when the provider gave no wait; doubled each time. */
  readonly baseDelayMs?: number;
  /**
   * The longest single wait. A provider that asks for longer (Linear's hourly budget spent) is not
   * waited for here: the TrackerRateLimited error carries its retryAfterMs so the run can be put back.
   */
  readonly maxWaitMs?: number;
  /**
   * "retryable": every retryable error (5xx, network, rate limit). "rate-limit": only rate limits,
   * for writes that are not idempotent, where a 5xx may hide a request that did go through.
   */
  readonly retryOn?: "retryable" | "rate-limit";
}

export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_WAIT_MS = 60_000;

export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isAppError(error) || !error.retryable) throw error;
      if (options.retryOn === "rate-limit" && !(error instanceof TrackerRateLimited)) throw error;
      if (attempt >= maxAttempts) throw error;
      const waitMs = error.retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1);
      if (waitMs > maxWaitMs) throw error;
      options.logger.warn(
        { what: options.what, attempt, waitMs, code: error.code, err: error.message },
        "tracker call failed, trying again",
      );
      await options.sleep(waitMs);
    }
  }
}
