// A failed Messages API call, classified: may retrying in the same call clear it, how long
// the API asks to wait, and the typed error it becomes when the retries are spent.
// https://docs.anthropic.com/en/api/errors

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { AppError } from "../../errors/app-error.ts";
import { GenerationRejected, ModelRateLimited, Overloaded, ProviderUnavailable, SpendLimitReached, Timeout } from "./errors.ts";
import { parseRetryAfter } from "../../http/retry-after.ts";

/**
 * 429 codes that waiting does not clear: the organisation's spend limits. (`ramp_limit_exceeded`
 * does clear, after retry-after.) Names from the SDK's error classes and
 * https://docs.anthropic.com/en/api/errors.
 */
const NON_CLEARING_429 = new Set(["enforced_spend_limit_reached", "contract_spend_limit_reached", "linked_organization_spend_limit_reached"]);

export interface Failure {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** Refused for load (429 rate limit, 529 overloaded): the shared call budget shrinks. */
  readonly refusedForLoad?: boolean;
  /** The typed error to throw if this is the last attempt. */
  readonly toError: (attempts: number) => AppError;
  readonly log: Record<string, unknown>;
}

/** null: not a failure of the call (a bug, or an abort we did not make); rethrow it as it is. */
export function classifyFailure(error: unknown, timedOut: boolean, timeoutMs: number): Failure | null {
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return {
      retryable: true,
      retryAfterMs: undefined,
      toError: (attempts) => new Timeout({ timeoutMs, attempts, cause: error }),
      log: { reason: "timeout", timeoutMs },
    };
  }
  if (error instanceof APIUserAbortError) return null;
  if (error instanceof APIConnectionError) {
    // fetch wraps the socket error: "fetch failed" ← "connect ECONNREFUSED …".
    let root: unknown = error;
    while (root instanceof Error && root.cause instanceof Error) root = root.cause;
    const cause = root instanceof Error ? root.message : error.message;
    return {
      retryable: true,
      retryAfterMs: undefined,
      toError: (attempts) => new ProviderUnavailable({ attempts, reason: `no connection (${cause})`, cause: error }),
      log: { reason: "connection", error: cause },
    };
  }
  if (!(error instanceof APIError) || error.status === undefined) return null;

  const status = error.status;
  const details = { status, requestId: error.requestID, providerMessage: error.apiMessage };
  const retryAfterMs = parseRetryAfter(error.headers?.get("retry-after"));
  // The API may say outright whether a retry can help; the SDK obeys this header too.
  const shouldRetry = error.headers?.get("x-should-retry");
  const log = { status, requestId: error.requestID, errorType: error.type, errorCode: error.errorCode, retryAfterMs };
  const retryable = (byStatus: boolean) => (shouldRetry === "true" ? true : shouldRetry === "false" ? false : byStatus);

  if (status === 429 && error.errorCode && NON_CLEARING_429.has(error.errorCode)) {
    const errorCode = error.errorCode;
    return { retryable: false, retryAfterMs: undefined, toError: () => new SpendLimitReached({ ...details, errorCode, cause: error }), log };
  }
  if (status === 429) {
    return { retryable: retryable(true), retryAfterMs, refusedForLoad: true, toError: (attempts) => new ModelRateLimited({ ...details, retryAfterMs, attempts, cause: error }), log };
  }
  if (status === 529) {
    return { retryable: retryable(true), retryAfterMs, refusedForLoad: true, toError: (attempts) => new Overloaded({ ...details, retryAfterMs, attempts, cause: error }), log };
  }
  if (status >= 500 || status === 408) {
    const reason = error.apiMessage ?? `HTTP ${status}`;
    return {
      retryable: retryable(true),
      retryAfterMs,
      toError: (attempts) => new ProviderUnavailable({ ...details, retryAfterMs, attempts, reason, cause: error }),
      log,
    };
  }
  return { retryable: false, retryAfterMs: undefined, toError: () => new GenerationRejected({ ...details, cause: error }), log };
}
