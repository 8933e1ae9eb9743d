// One Messages API call, made resilient: a per-call timeout, and retries with exponential
// backoff and full jitter for what may clear by itself (429, 529, other 5xx, 408, connection
// failures, timeouts), waiting exactly what `retry-after` says when it is there.
// https://docs.anthropic.com/en/api/errors — the SDK's own retries are off (client.ts).
// Each attempt holds a slot of the shared call budget, when there is one, and tells it how the
// attempt went: a 429 or 529 shrinks the budget and pauses every process for the retry-after,
// and an answer whose rate-limit headers say a minute's budget is running low paces them all.

import type { CallBudget, CallOutcome } from "../../budget/call-budget.ts";
import { paceFor } from "../../budget/headroom.ts";
import type { Logger } from "../../log/logger.ts";
import type { AnthropicClient } from "./client.ts";
import { classifyFailure, type Failure } from "./failure.ts";
import type { MessagesRequest } from "./messages-request.ts";
import type { SentMessage } from "./messages-response.ts";
import { anthropicHeadroom } from "./rate-limit.ts";

export interface ModelRetryPolicy {
  /** Calls in total, the first included. */
  readonly maxAttempts: number;
  /** Backoff before retry n is random(0, min(maxDelayMs, baseDelayMs × 2^(n-1))). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A longer retry-after ends the call at once: the run layer comes back later instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_MODEL_RETRY_POLICY: ModelRetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 };
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface SendDeps {
  readonly client: AnthropicClient;
  readonly logger: Logger;
  readonly timeoutMs: number;
  readonly retry: ModelRetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1), for the jitter. */
  readonly random: () => number;
  /** The model calls in flight across every process; unset: this client alone decides. */
  readonly budget?: CallBudget | undefined;
}

function outcomeOf(failure: Failure | null): CallOutcome {
  return failure?.refusedForLoad ? { kind: "refused", retryAfterMs: failure.retryAfterMs } : { kind: "failed" };
}

function backoffMs(attempt: number, policy: ModelRetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Sends the request, retrying what may clear; throws the typed error of the last failure. */
export async function sendMessage(request: MessagesRequest, deps: SendDeps): Promise<SentMessage> {
  const { client, logger, timeoutMs, retry } = deps;
  for (let attempt = 1; ; attempt += 1) {
    // Waiting for a slot is not part of the call's time.
    const slot = await deps.budget?.acquire();
    const controller = new AbortController();
    // Our own timer covers the whole call, body included; the SDK's covers only the fetch.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const { data: message, response } = await client.messages.create(request, { maxRetries: 0, timeout: timeoutMs, signal: controller.signal }).withResponse();
      clearTimeout(timer);
      await slot?.release({ kind: "ok", paceMs: paceFor(anthropicHeadroom(response.headers, Date.now())) });
      return message;
    } catch (error) {
      const failure = classifyFailure(error, controller.signal.aborted, timeoutMs);
      clearTimeout(timer);
      await slot?.release(outcomeOf(failure));
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
