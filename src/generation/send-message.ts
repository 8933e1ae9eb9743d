// One Messages API call, made resilient: a per-call timeout, and retries with exponential
// backoff and full jitter for what may clear by itself (429, 529, other 5xx, 408, connection
// failures, timeouts), waiting exactly what `retry-after` says when it is there.
// https://docs.anthropic.com/en/api/errors — the SDK's own retries are off (client.ts).

import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { AppError } from "../errors/app-error.ts";
import type { Logger } from "../log/logger.ts";
import type { AnthropicClient } from "./client.ts";
import { GenerationRejected, Overloaded, ProviderUnavailable, RateLimited, SpendLimitReached, Timeout } from "./errors.ts";
import type { MessagesRequest } from "./request.ts";

/** The SDK adds the response's request-id header to the parsed body. */
export type SentMessage = Message & { readonly _request_id?: string | null };

export interface RetryPolicy {
  /** Calls in total, the first included. */
  readonly maxAttempts: number;
  /** Backoff before retry n is random(0, min(maxDelayMs, baseDelayMs × 2^(n-1))). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A longer retry-after ends the call at once: the run layer comes back later instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 };
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface SendDeps {
  readonly client: AnthropicClient;
  readonly logger: Logger;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1), for the jitter. */
  readonly random: () => number;
}

/**
 * 429 codes that waiting does not clear: the organisation's spend limits. (`ramp_limit_exceeded`
 * does clear, after retry-after.) Names from the SDK's error classes and
 * https://docs.anthropic.com/en/api/errors.
 */
const NON_CLEARING_429 = new Set(["enforced_spend_limit_reached", "contract_spend_limit_reached", "linked_organization_spend_limit_reached"]);

interface Failure {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The typed error to throw if this is the last attempt. */
  readonly toError: (attempts: number) => AppError;
  readonly log: Record<string, unknown>;
}

/** retry-after in seconds, or an HTTP date (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (value.trim() !== "" && Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function classify(error: unknown, timedOut: boolean, timeoutMs: number): Failure | null {
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
    return { retryable: retryable(true), retryAfterMs, toError: (attempts) => new RateLimited({ ...details, retryAfterMs, attempts, cause: error }), log };
  }
  if (status === 529) {
    return { retryable: retryable(true), retryAfterMs, toError: (attempts) => new Overloaded({ ...details, retryAfterMs, attempts, cause: error }), log };
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

function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Sends the request, retrying what may clear; throws the typed error of the last failure. */
export async function sendMessage(request: MessagesRequest, deps: SendDeps): Promise<SentMessage> {
  const { client, logger, timeoutMs, retry } = deps;
  for (let attempt = 1; ; attempt += 1) {
    const controller = new AbortController();
    // Our own timer covers the whole call, body included; the SDK's covers only the fetch.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await client.messages.create(request, { maxRetries: 0, timeout: timeoutMs, signal: controller.signal });
    } catch (error) {
      const failure = classify(error, controller.signal.aborted, timeoutMs);
      if (!failure) throw error;
      const last = attempt >= retry.maxAttempts;
      const waitTooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxRetryAfterMs;
      if (!failure.retryable || last || waitTooLong) {
        logger.warn({ ...failure.log, attempt, retryable: failure.retryable, waitTooLong }, "anthropic call failed");
        throw failure.toError(attempt);
      }
      const delayMs = failure.retryAfterMs ?? backoffMs(attempt, retry, deps.random);
      logger.warn({ ...failure.log, attempt, maxAttempts: retry.maxAttempts, delayMs }, "anthropic call failed, retrying");
      await deps.sleep(delayMs);
    } finally {
      clearTimeout(timer);
    }
  }
}
